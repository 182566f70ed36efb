/** What the trainer says on stdout, one JSON object a line (trainer/protocol.py). */
export type TrainerEvent =
  | { event: 'loaded'; trainable: number; resumed_from: number; total: number }
  | { event: 'progress'; step: number; total: number; loss: number; eta_seconds: number }
  | { event: 'checkpoint'; step: number; path: string }
  | { event: 'done'; steps: number; loss: number; files: string[]; seconds: number }
  | { event: 'error'; message: string };

export type TrainerDone = Extract<TrainerEvent, { event: 'done' }>;

const EVENTS = new Set(['loaded', 'progress', 'checkpoint', 'done', 'error']);

/** The event a stdout line carries, or null for a line that is not one (kept as log). */
export function parseTrainerEvent(line: string): TrainerEvent | null {
  if (!line.startsWith('{')) return null;
  try {
    const value = JSON.parse(line) as { event?: unknown };
    return typeof value.event === 'string' && EVENTS.has(value.event) ? (value as TrainerEvent) : null;
  } catch {
    return null;
  }
}
