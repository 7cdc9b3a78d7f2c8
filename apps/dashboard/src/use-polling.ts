import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { AdminApiError } from './admin-client.js';

/** The last answer of a polled admin call, when it came, and the last error. */
export interface Polled<T> {
  readonly data: T | undefined;
  readonly receivedAt: number;
  /** The last failure, as an AdminApiError when the relay answered. */
  readonly error: Error | undefined;
  /** Polls now (after a change made from the console). */
  refresh(): Promise<void>;
}

/**
 * Calls `load` now and every `intervalMs` while mounted (a page's own data); a refused token calls `onRefused`.
 * `load` must be stable (a `useCallback`), or the timer restarts on every render.
 */
export function usePolling<T>(
  load: () => Promise<T>,
  intervalMs: number,
  onRefused: (message: string) => void,
): Polled<T> {
  const [data, setData] = useState<T | undefined>();
  const [receivedAt, setReceivedAt] = useState(0);
  const [error, setError] = useState<Error | undefined>();
  const refused = useRef(onRefused);
  refused.current = onRefused;

  const poll = useCallback(async () => {
    try {
      const answer = await load();
      setData(answer);
      setReceivedAt(Date.now());
      setError(undefined);
    } catch (failure) {
      if (failure instanceof AdminApiError && failure.refusedToken) {
        refused.current(`The relay refused the token: ${failure.message}.`);
        return;
      }
      setError(failure as Error);
    }
  }, [load]);

  useEffect(() => {
    void poll();
    const timer = setInterval(() => void poll(), intervalMs);
    return () => clearInterval(timer);
  }, [poll, intervalMs]);

  return { data, receivedAt, error, refresh: poll };
}
