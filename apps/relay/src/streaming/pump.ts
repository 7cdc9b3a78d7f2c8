import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';

/** How a pumped body ended. */
export type PumpEnd = 'finished' | 'client-gone' | 'upstream-failed';

/**
 * Forwards `source` to the client chunk by chunk, showing each chunk to `observe` on the way, with
 * backpressure: when the client's socket is full the source pauses, so a slow reader holds the upstream
 * socket instead of the relay's memory. Resolves with how it ended; never rejects.
 */
export function pumpToClient(
  source: Readable,
  destination: ServerResponse,
  observe: (chunk: Buffer) => void,
): Promise<{ end: PumpEnd; error?: Error }> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (end: PumpEnd, error?: Error) => {
      if (settled) return;
      settled = true;
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onError);
      destination.off('drain', onDrain);
      destination.off('close', onClose);
      resolve(error ? { end, error } : { end });
    };
    const onData = (chunk: Buffer) => {
      observe(chunk);
      if (!destination.write(chunk)) source.pause();
    };
    const onDrain = () => source.resume();
    const onEnd = () => settle('finished');
    const onError = (error: Error) => settle('upstream-failed', error);
    const onClose = () => {
      if (!destination.writableEnded) {
        source.destroy();
        settle('client-gone');
      }
    };
    source.on('data', onData);
    source.on('end', onEnd);
    source.on('error', onError);
    destination.on('drain', onDrain);
    destination.on('close', onClose);
  });
}
