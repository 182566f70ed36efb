import { headers as natsHeaders, type MsgHdrs } from 'nats';
import type { JobMessage } from './job-bus';
import type { JetStreamNames } from './jetstream-names';

/** JetStream's de-duplication header: the job id travels in it, so it is the id on the way back too. */
export const MSG_ID_HEADER = 'Nats-Msg-Id';
export const EVENT_TYPE_HEADER = 'Easel-Event-Type';

const RESERVED = new Set([MSG_ID_HEADER, EVENT_TYPE_HEADER].map((name) => name.toLowerCase()));

export function toNatsHeaders(values: Record<string, string>, extra: Record<string, string> = {}): MsgHdrs {
  const out = natsHeaders();
  for (const [name, value] of Object.entries(values)) {
    if (RESERVED.has(name.toLowerCase())) throw new Error(`header ${name} is reserved by the job bus`);
    out.set(name, value);
  }
  for (const [name, value] of Object.entries(extra)) out.set(name, value);
  return out;
}

/** The caller's headers, without the ones the bus itself uses. */
export function fromNatsHeaders(values: MsgHdrs | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of values?.keys() ?? []) {
    if (!RESERVED.has(name.toLowerCase())) out[name] = values!.get(name);
  }
  return out;
}

/** Rebuilds a job from a stored or delivered JetStream message. */
export function decodeJob(names: JetStreamNames, message: { subject: string; data: Uint8Array; headers?: MsgHdrs }): JobMessage {
  const id = message.headers?.get(MSG_ID_HEADER);
  if (!id) throw new Error(`job message on ${message.subject} has no ${MSG_ID_HEADER}`);
  return { id, ...names.parseJobSubject(message.subject), payload: message.data, headers: fromNatsHeaders(message.headers) };
}
