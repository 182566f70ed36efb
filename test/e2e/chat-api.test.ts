import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import OpenAI from 'openai';
import { chatCredits } from '@easel/contracts';
import { chatHeldOut, judgeExactMatch } from '@easel/testing';
import { createTenant, post, REPO_ROOT, startTestEasel } from './helpers';

/**
 * The chat family through the HTTP API on embedded Easel with the bundled easel-chat-tiny:
 * uncensored_chat in the dialect's shape, the OpenAI routes through OpenAI's own client library,
 * streaming, limits, seeds, credits per token, and a reply stopped by its client.
 */
/** The bar for the held-out questions (models/easel-chat-tiny/README.md has the measured figure). */
const MIN_EXACT_MATCH = 0.8;

/** Server-sent events of a response: [event name or 'message', data] in arrival order, with when each came. */
async function readSse(response: Response): Promise<Array<{ event: string; data: string; at: number }>> {
  const events: Array<{ event: string; data: string; at: number }> = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (block.startsWith(':')) continue;
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? '';
      events.push({ event, data, at: performance.now() });
    }
  }
  return events;
}

describe('chat through the API (uncensored_chat, OpenAI routes)', () => {
  let ctx: Awaited<ReturnType<typeof startTestEasel>>;
  let url: string;
  let key: string;
  const api = (path: string, body: Record<string, unknown>) => post(`${url}${path}`, { key, ...body });
  const ask = (content: string) => [{ role: 'user', content }];

  beforeAll(async () => {
    // One sequence, one slot: a reply that is not stopped holds up the next. A context longer than the
    // model was trained on lets a reply run to thousands of tokens (the cancel test needs one that long).
    ctx = await startTestEasel({ EASEL_CHAT_SEQUENCES: '1', EASEL_WORKER_CONCURRENCY: '1', EASEL_CHAT_CONTEXT: '4096', EASEL_FETCH_ALLOW_HOSTS: '127.0.0.1' });
    url = ctx.easel.url;
    key = ctx.key;
  }, 60_000);
  afterAll(() => ctx?.close());

  /** A tenant of its own with `credits`, and its key. */
  const tenant = (name: string, credits: string) => createTenant(url, key, name, credits);

  it('answers the docs-shaped request from the bundled model, and charges the tokens it used', async () => {
    const own = await tenant('chatter', '1');
    const r = await post(`${url}/api/v6/llm/uncensored_chat`, {
      key: own.key,
      messages: [
        { role: 'system', content: "You are Easel's assistant." },
        { role: 'user', content: 'Which field sets the number of denoising steps?' },
      ],
      max_tokens: '64',
      temperature: 0,
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'success', message: 'num_inference_steps', finish_reason: 'stop', meta: { model_id: 'easel-chat-tiny', max_tokens: 64, temperature: 0 } });
    const { prompt_tokens, completion_tokens, total_tokens } = r.body.usage;
    expect(prompt_tokens).toBeGreaterThan(10);
    expect(completion_tokens).toBeGreaterThan(0);
    expect(total_tokens).toBe(prompt_tokens + completion_tokens);
    // The hold was the messages' bytes plus max_tokens; what is left of it came back.
    expect(await own.balance()).toBe((1 - chatCredits(total_tokens)).toFixed(3));
  });

  it(`answers the held-out questions (exact match ≥ ${MIN_EXACT_MATCH * 100} %)`, async () => {
    const { right, total, score, byKind, wrong } = await judgeExactMatch(chatHeldOut(), async (question) => {
      const r = await api('/api/v6/llm/uncensored_chat', { messages: ask(question), temperature: 0, max_tokens: 32 });
      return r.body.status === 'success' ? String(r.body.message) : `(${r.body.status}: ${JSON.stringify(r.body.message)})`;
    });
    process.stdout.write(`chat suite: held-out exact match ${right}/${total} = ${score.toFixed(3)} ${JSON.stringify(byKind)}; wrong: ${JSON.stringify(wrong.slice(0, 5))}\n`);
    expect(score).toBeGreaterThanOrEqual(MIN_EXACT_MATCH);
  }, 300_000);

  it('a system prompt changes the answer', async () => {
    const question = { role: 'user', content: 'Which endpoint trains a LoRA?' };
    expect((await api('/api/v6/llm/uncensored_chat', { messages: [question], temperature: 0 })).body.message).toBe('/api/v3/lora_fine_tune');
    const messages = [{ role: 'system', content: 'Answer in capital letters.' }, question];
    expect((await api('/api/v6/llm/uncensored_chat', { messages, temperature: 0 })).body.message).toBe('/API/V3/LORA_FINE_TUNE');
  });

  it('streams the reply as token events before the end event', async () => {
    const response = await fetch(`${url}/api/v6/llm/uncensored_chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key, messages: ask('What is on the left of a green heart beside a pink cone?'), temperature: 0, stream: true }),
    });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events = await readSse(response);
    const tokens = events.filter((e) => e.event === 'token');
    const end = events.find((e) => e.event === 'end')!;
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens[0].at).toBeLessThanOrEqual(end.at);
    const final = JSON.parse(end.data);
    expect(final).toMatchObject({ status: 'success', message: 'the green heart' });
    expect(tokens.map((t) => JSON.parse(t.data).text).join('')).toBe(final.message);
  });

  it("OpenAI's client library works against /v1 (chat, streaming, completions, models, errors)", async () => {
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0 });
    const chat = await client.chat.completions.create({ model: 'easel-chat-tiny', messages: [{ role: 'user', content: 'How many sides does a hexagon have?' }], temperature: 0 });
    expect(chat.object).toBe('chat.completion');
    expect(chat.choices[0]).toMatchObject({ message: { role: 'assistant', content: '6' }, finish_reason: 'stop' });
    expect(chat.usage!.total_tokens).toBe(chat.usage!.prompt_tokens + chat.usage!.completion_tokens);

    const stream = await client.chat.completions.create({
      model: 'easel-chat-tiny',
      messages: [{ role: 'user', content: 'Which endpoint turns text into an image?' }],
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe('/api/v3/text2img');
    expect(finish).toBe('stop');
    expect(usage!.completion_tokens).toBeGreaterThan(0);

    const completion = await client.completions.create({ model: 'easel-chat-tiny', prompt: 'Which field sets the random seed?', temperature: 0 });
    expect(completion.choices[0].text).toBe('seed');

    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('easel-chat-tiny');

    // Errors in OpenAI's shape, which the library turns into its own error classes.
    const stranger = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'not-a-key', maxRetries: 0 });
    await expect(stranger.chat.completions.create({ model: 'easel-chat-tiny', messages: [{ role: 'user', content: 'Hi' }] })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(client.chat.completions.create({ model: 'easel-tiny', messages: [{ role: 'user', content: 'Hi' }] })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const bad = await client.chat.completions.create({ model: 'easel-chat-tiny', messages: [{ role: 'robot' as 'user', content: 'Hi' }] }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(OpenAI.UnprocessableEntityError);
    expect((bad as InstanceType<typeof OpenAI.APIError>).message).toMatch(/role/);
  });

  it('respects max_tokens and stop sequences', async () => {
    const question = ask('What is on the right of a red ring beside a white square?');
    const full = (await api('/api/v6/llm/uncensored_chat', { messages: question, temperature: 0 })).body;
    expect(full.message).toBe('the white square');
    const short = (await api('/api/v6/llm/uncensored_chat', { messages: question, temperature: 0, max_tokens: 1 })).body;
    expect(short).toMatchObject({ finish_reason: 'length', usage: { completion_tokens: 1 } });
    expect(full.message.startsWith(short.message)).toBe(true);
    const stopped = (await api('/api/v6/llm/uncensored_chat', { messages: question, temperature: 0, stop: [' square'] })).body;
    expect(stopped).toMatchObject({ message: 'the white', finish_reason: 'stop' });
  });

  it('the same seed at temperature > 0 gives the same text; the seed is reported', async () => {
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0 });
    // A question it was never taught: the seed, not the model's certainty, decides the answer.
    const once = (seed?: number) =>
      client.chat.completions.create({ model: 'easel-chat-tiny', messages: [{ role: 'user', content: 'What is a good colour?' }], temperature: 1.5, max_tokens: 24, ...(seed === undefined ? {} : { seed }) });
    const [a, b] = [await once(77), await once(77)];
    expect(b.choices[0].message.content).toBe(a.choices[0].message.content);
    expect(a.system_fingerprint).toBe('easel-seed-77');
    const texts = new Set<string | null>();
    for (const seed of [1, 2, 3, 4, 5, 6]) texts.add((await once(seed)).choices[0].message.content);
    expect(texts.size).toBeGreaterThan(1);
    // uncensored_chat reports the random seed it drew, and that seed gives the reply again.
    const drawn = (await api('/api/v6/llm/uncensored_chat', { messages: ask('What is a good colour?'), temperature: 1.5, max_tokens: 24 })).body;
    const again = (await api('/api/v6/llm/uncensored_chat', { messages: ask('What is a good colour?'), temperature: 1.5, max_tokens: 24, seed: drawn.meta.seed })).body;
    expect(again.message).toBe(drawn.message);
  });

  it('a conversation longer than the context is a 422 naming messages, and costs nothing', async () => {
    const own = await tenant('talker', '1');
    const r = await post(`${url}/api/v6/llm/uncensored_chat`, { key: own.key, messages: ask('Which field sets the seed? '.repeat(800)) });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ status: 'error', message: { messages: [expect.stringMatching(/do not fit in the model's context/)] } });
    expect(await own.balance()).toBe('1.000');
  });

  it('refuses bad requests with the field named, before anything is held', async () => {
    const refusal = async (body: Record<string, unknown>, field: string) => {
      const r = await api('/api/v6/llm/uncensored_chat', { messages: ask('Hi'), ...body });
      expect(r.status).toBe(422);
      expect(Object.keys(r.body.message)).toContain(field);
    };
    await refusal({ messages: undefined }, 'messages');
    await refusal({ messages: 'hello' }, 'messages');
    await refusal({ messages: [{ role: 'robot', content: 'hi' }] }, 'messages');
    await refusal({ messages: [{ role: 'user' }] }, 'messages');
    await refusal({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }] }, 'messages');
    await refusal({ max_tokens: 5000 }, 'max_tokens');
    await refusal({ temperature: 3 }, 'temperature');
    await refusal({ top_p: 'lots' }, 'top_p');
    await refusal({ stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop');
    expect((await api('/api/v6/llm/uncensored_chat', { messages: ask('Hi'), model_id: 'no-such-model' })).body).toEqual({ status: 'error', message: 'Model id not found' });
    expect((await api('/api/v6/llm/uncensored_chat', { messages: ask('Hi'), model_id: 'easel-tiny' })).status).toBe(404);
  });

  it('load_model takes a GGUF URL (category llm) for the tenant only', async () => {
    const file = readFileSync(join(REPO_ROOT, 'models/chat-random/chat-random.gguf'));
    const notes = Buffer.from('these are notes, not a model');
    const server = createServer((req, res) => {
      const body = req.url === '/notes.gguf' ? notes : file;
      res.writeHead(200, { 'content-length': body.length }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const load = await api('/api/v3/load_model', { url: `http://127.0.0.1:${port}/chat-random.gguf`, model_id: 'talker', model_category: 'llm' });
      expect(load.body).toMatchObject({ status: 'success' });
      const settled = async (id: string) => {
        let model: Record<string, any> = {};
        for (const deadline = Date.now() + 30_000; model.status !== 'model_ready' && model.status !== 'failed' && Date.now() < deadline; ) {
          await new Promise((r) => setTimeout(r, 200));
          model = ((await api('/api/v4/dreambooth/model_list', {})).body as Array<Record<string, any>>).find((m) => m.model_id === id) ?? {};
        }
        return model;
      };
      expect(await settled('talker')).toMatchObject({ status: 'model_ready', model_category: 'llm' });
      const reply = await api('/api/v6/llm/uncensored_chat', { messages: ask('Hi'), model_id: 'talker', max_tokens: 12, seed: 1 });
      expect(reply.body).toMatchObject({ status: 'success', finish_reason: 'length', usage: { completion_tokens: 12 }, meta: { model_id: 'talker' } });
      // Not a GGUF: the load fails, saying why; another tenant does not see the chat model.
      await api('/api/v3/load_model', { url: `http://127.0.0.1:${port}/notes.gguf`, model_id: 'notes', model_category: 'llm' });
      expect(await settled('notes')).toMatchObject({ status: 'failed', error: expect.stringMatching(/not a GGUF model/) });
      const other = await tenant('stranger', '1');
      const theirs = await post(`${url}/api/v6/llm/uncensored_chat`, { key: other.key, messages: ask('Hi'), model_id: 'talker' });
      expect(theirs).toMatchObject({ status: 404, body: { message: 'Model id not found' } });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('a client that leaves a stream stops its reply: the slot is free for the next, the credits come back', async () => {
    // The key that loaded 'talker' (its tenant's own model).
    const balance = async () => ((await api('/api/v1/enterprise/tenants/list', {})).body.tenants as Array<{ name: string; credits: string }>).find((t) => t.name === 'default')!.credits;
    const before = Number(await balance());
    const controller = new AbortController();
    const response = await fetch(`${url}/api/v6/llm/uncensored_chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // 'talker' (random weights, loaded above) almost never draws its end token: it talks to max_tokens unless stopped.
      body: JSON.stringify({ key, messages: ask('Tell me a long story.'), model_id: 'talker', temperature: 1, seed: 5, max_tokens: 4000, stream: true }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('event: token');
    const id = Number(/"id":(\d+)/.exec(first)![1]);
    controller.abort();
    // With one sequence and one worker slot, the next reply can only come once the first is stopped.
    const next = await api('/api/v6/llm/uncensored_chat', { messages: ask('How many sides does a square have?'), temperature: 0 });
    expect(next.body).toMatchObject({ status: 'success', message: '4' });
    const stopped = await post(`${url}/api/v6/llm/fetch/${id}`, { key });
    expect(stopped.body).toMatchObject({ status: 'failed', error: expect.stringMatching(/cancelled: the client closed the stream/) });
    // The stopped reply cost nothing; the next one its tokens.
    expect(await balance()).toBe((before - chatCredits(next.body.usage.total_tokens)).toFixed(3));
  }, 120_000);
});
