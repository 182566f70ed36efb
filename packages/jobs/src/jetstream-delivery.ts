import type { Msg } from 'nats';
import { nanos } from 'nats';

const encoder = new TextEncoder();
const ACK = encoder.encode('+ACK');
const NAK = encoder.encode('-NAK');
const WORKING = encoder.encode('+WPI');

/**
 * One job message as the server delivered it to a pull request, answered on its
 * `$JS.ACK.…` reply subject. The consumer pulls with plain NATS requests (see
 * jetstream-consumer.ts), so this stands in for the client library's JsMsg.
 */
export class JetStreamDelivery {
  /** How many times the server has delivered this message, this time included. */
  readonly deliveryCount: number;
  private settled = false;

  constructor(readonly message: Msg) {
    this.deliveryCount = parseDeliveryCount(message.reply ?? '');
  }

  static isDelivery(message: Msg): boolean {
    return message.reply?.startsWith('$JS.ACK.') ?? false;
  }

  ack(): void {
    this.settle(ACK);
  }

  /** Without a delay the server offers the job again at once (and counts the delivery). */
  nak(delayMs?: number): void {
    this.settle(delayMs ? encoder.encode(`-NAK ${JSON.stringify({ delay: nanos(delayMs) })}`) : NAK);
  }

  term(reason: string): void {
    this.settle(encoder.encode(`+TERM ${reason}`));
  }

  /** Pushes the ack deadline back; not final. */
  working(): void {
    if (!this.settled) this.message.respond(WORKING);
  }

  private settle(payload: Uint8Array): void {
    if (this.settled) return;
    this.settled = true;
    this.message.respond(payload);
  }
}

/**
 * The delivery count is the first number after the stream and consumer in the ack subject:
 * `$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<dseq>.<ts>.<pending>` (servers before 2.9),
 * or with `<domain>.<account hash>` after `$JS.ACK` and a trailing token (2.9 and later).
 */
export function parseDeliveryCount(reply: string): number {
  const tokens = reply.split('.');
  if (tokens[0] !== '$JS' || tokens[1] !== 'ACK') throw new Error(`not a JetStream ack subject: ${reply}`);
  const index = tokens.length === 9 ? 4 : 6;
  const count = Number.parseInt(tokens[index] ?? '', 10);
  if (!Number.isInteger(count) || count < 1) throw new Error(`no delivery count in ${reply}`);
  return count;
}
