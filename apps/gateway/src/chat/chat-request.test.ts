import { parseChatRequest } from './chat-request';

const user = (content: unknown) => [{ role: 'user', content }];

describe('parseChatRequest', () => {
  it("reads the dialect's tolerant values and OpenAI's spellings", () => {
    const parsed = parseChatRequest('chat', {
      messages: [{ role: 'system', content: 'Be brief.' }, ...user([{ type: 'text', text: 'Hel' }, { type: 'text', text: 'lo' }])],
      max_tokens: '64',
      max_completion_tokens: 32,
      temperature: '0',
      top_p: null,
      seed: '-1',
      stop: 'END',
      model: 'my-llm',
      stream: 'yes',
    });
    expect(parsed).toEqual({
      ok: true,
      value: expect.objectContaining({
        kind: 'chat',
        modelId: 'my-llm',
        messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello' }],
        maxTokens: 32,
        temperature: 0,
        topP: 1,
        seed: null,
        stop: ['END'],
        stream: true,
      }),
    });
  });

  it('a completion is its prompt as the one user message', () => {
    const parsed = parseChatRequest('completion', { prompt: ['Once upon a time'] });
    expect(parsed.ok && parsed.value.messages).toEqual([{ role: 'user', content: 'Once upon a time' }]);
    expect(parseChatRequest('completion', {})).toEqual({ ok: false, errors: { prompt: ['The prompt field is required.'] } });
  });

  it('names every bad field', () => {
    const parsed = parseChatRequest('chat', {
      messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }],
      max_tokens: 0,
      temperature: 2.5,
      top_p: 'high',
      presence_penalty: 3,
      stop: ['a', 'b', 'c', 'd', 'e'],
      n: 2,
    });
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && Object.keys(parsed.errors).sort()).toEqual(['max_tokens', 'messages', 'n', 'presence_penalty', 'stop', 'temperature', 'top_p']);
    expect(!parsed.ok && parsed.errors.messages).toEqual(["The last of the messages must be from the user or the system: the reply is the assistant's."]);
    for (const messages of ['hi', [], [{ role: 'robot', content: 'x' }], [{ role: 'user' }], [{ role: 'user', content: 'x'.repeat(100_001) }]]) {
      const refused = parseChatRequest('chat', { messages });
      expect([JSON.stringify(messages).slice(0, 40), !refused.ok && Object.keys(refused.errors)]).toEqual([JSON.stringify(messages).slice(0, 40), ['messages']]);
    }
  });
});
