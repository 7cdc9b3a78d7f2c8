import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { AdminApiError, type AdminClient } from './admin-client.js';
import { sumOfSamples } from './prometheus-text.js';
import type { RelayStats } from './relay-stats.js';
import { appendPoint, type CounterSample, countersOf, type TrafficPoint, trafficPoint } from './traffic-history.js';

/** How often the console asks for `/admin/stats`. */
export const pollIntervalMs = 2000;

/** What the poller has seen: the last answer, when it came, the rates of the last 15 minutes, the last error. */
export interface PolledStats {
  readonly stats: RelayStats | undefined;
  readonly receivedAt: number;
  readonly points: readonly TrafficPoint[];
  readonly error: string | undefined;
  /** Polls now (after a change made from the console). */
  refresh(): Promise<void>;
}

/** Polls the stats every 2 s while mounted; a refused token calls `onRefused`. */
export function useStatsPolling(client: AdminClient, onRefused: (message: string) => void): PolledStats {
  const [stats, setStats] = useState<RelayStats | undefined>();
  const [receivedAt, setReceivedAt] = useState(0);
  const [points, setPoints] = useState<readonly TrafficPoint[]>([]);
  const [error, setError] = useState<string | undefined>();
  const previous = useRef<CounterSample | undefined>(undefined);
  // A ref, so that a new callback on each render of the parent does not restart the timer.
  const refused = useRef(onRefused);
  refused.current = onRefused;

  const poll = useCallback(async () => {
    try {
      const [answer, exposition] = await Promise.all([client.stats(), client.metricsText().catch(() => undefined)]);
      const at = Date.now();
      const sample = countersOf(
        answer.accounts,
        exposition ? sumOfSamples(exposition, 'relay_tokens_total') : undefined,
        at,
      );
      if (previous.current) {
        const point = trafficPoint(previous.current, sample);
        setPoints((existing) => appendPoint(existing, point));
      }
      previous.current = sample;
      setStats(answer);
      setReceivedAt(at);
      setError(undefined);
    } catch (failure) {
      if (failure instanceof AdminApiError && failure.refusedToken) {
        refused.current(`The relay refused the token: ${failure.message}.`);
        return;
      }
      setError((failure as Error).message);
    }
  }, [client]);

  useEffect(() => {
    void poll();
    const timer = setInterval(() => void poll(), pollIntervalMs);
    return () => clearInterval(timer);
  }, [poll]);

  return { stats, receivedAt, points, error, refresh: poll };
}
