import type { TypedEventEmitter } from '../typed-event-emitter.js';

/** Resolves with the next payload of `event`, or rejects after `timeoutMs` (real I/O: generous timeouts). */
export async function nextEvent<Events extends object, Name extends keyof Events & string>(
  emitter: TypedEventEmitter<Events>,
  event: Name,
  timeoutMs = 20_000,
): Promise<Events[Name]> {
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    emitter.once(event, (payload) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}
