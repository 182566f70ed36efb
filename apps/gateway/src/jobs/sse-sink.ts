import type { FastifyReply } from 'fastify';

/** One open server-sent-events response. */
export interface SseSink {
  event(name: string, data: unknown): void;
  /** An unnamed event (`data: …`): what OpenAI-style streams send; a string goes as it is (`[DONE]`). */
  data(data: unknown): void;
  /** A comment line: keeps proxies and load balancers from closing an idle stream. */
  comment(text: string): void;
  end(): void;
  /** Called once when the client goes away or the stream ends. */
  onClose(listener: () => void): void;
}

/** Takes the reply over from Fastify and starts an event stream on it. */
export function openSse(reply: FastifyReply): SseSink {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // nginx and similar proxies buffer responses unless told not to
    'x-accel-buffering': 'no',
  });
  raw.flushHeaders();
  return {
    event: (name, data) => void raw.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`),
    data: (data) => void raw.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`),
    comment: (text) => void raw.write(`: ${text}\n\n`),
    end: () => void raw.end(),
    onClose: (listener) => void raw.once('close', listener),
  };
}
