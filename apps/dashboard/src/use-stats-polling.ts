import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { AdminApiError, type AdminClient } from './admin-client.js';
import { histogramBuckets, sumOfSamples } from './prometheus-text.js';
import type { RelayStats } from './relay-stats.js';
import {
  appendPoint,
  appendSample,
  type CounterSample,
  countersOf,
  type TrafficPoint,
  trafficPoint,
  windowStartOf,
} from './traffic-history.js';
import { totalCostUsd, utcDay } from './usage-rows.js';

/** How often the console asks for `/admin/stats`. */
export const pollIntervalMs = 2000;

/** After the usage ledger failed to answer (or is not there), how long before it is asked again. */
const usageRetryMs = 30_000;

/** What the poller has seen: the last answer, when it came, the figures of the last 15 minutes, the last error. */
export interface PolledStats {
  readonly stats: RelayStats | undefined;
  readonly receivedAt: number;
  readonly points: readonly TrafficPoint[];
  readonly error: string | undefined;
  /** Why there is no cost (the relay has no usage ledger, or it failed); undefined while it answers. */
  readonly usageError: string | undefined;
  /** Polls now (after a change made from the console). */
  refresh(): Promise<void>;
}

/** Polls the stats every 2 s while mounted; a refused token calls `onRefused`. */
export function useStatsPolling(client: AdminClient, onRefused: (message: string) => void): PolledStats {
  const [stats, setStats] = useState<RelayStats | undefined>();
  const [receivedAt, setReceivedAt] = useState(0);
  const [points, setPoints] = useState<readonly TrafficPoint[]>([]);
  const [error, setError] = useState<string | undefined>();
  const [usageError, setUsageError] = useState<string | undefined>();
  const samples = useRef<CounterSample[]>([]);
  const usageAskedAfter = useRef(0);
  // A ref, so that a new callback on each render of the parent does not restart the timer.
  const refused = useRef(onRefused);
  refused.current = onRefused;

  const costToday = useCallback(async (): Promise<number | undefined> => {
    const now = Date.now();
    if (now < usageAskedAfter.current) return undefined;
    try {
      const today = utcDay(now);
      const rows = await client.usage({ groupBy: ['day'], from: today, to: today });
      setUsageError(undefined);
      return totalCostUsd(rows);
    } catch (failure) {
      if (failure instanceof AdminApiError && failure.refusedToken) throw failure;
      usageAskedAfter.current = now + usageRetryMs;
      setUsageError(
        failure instanceof AdminApiError && failure.notThere
          ? 'this relay has no usage ledger (GET /admin/usage answered 404)'
          : `the usage ledger did not answer: ${(failure as Error).message}`,
      );
      return undefined;
    }
  }, [client]);

  const poll = useCallback(async () => {
    try {
      const [answer, exposition, costTodayUsd] = await Promise.all([
        client.stats(),
        client.metricsText().catch(() => undefined),
        costToday(),
      ]);
      const at = Date.now();
      // A labelled counter or histogram has no sample before its first count: nothing counted yet, not unknown.
      const sample = countersOf(
        answer.accounts,
        exposition ? (sumOfSamples(exposition, 'relay_tokens_total') ?? 0) : undefined,
        at,
        {
          timeToFirstByte: exposition
            ? histogramBuckets(exposition, 'relay_upstream_time_to_first_byte_seconds')
            : undefined,
          costTodayUsd,
        },
      );
      const previous = samples.current.at(-1);
      if (previous) {
        const point = trafficPoint(previous, sample, windowStartOf(samples.current, at));
        setPoints((existing) => appendPoint(existing, point));
      }
      samples.current = appendSample(samples.current, sample);
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
  }, [client, costToday]);

  useEffect(() => {
    void poll();
    const timer = setInterval(() => void poll(), pollIntervalMs);
    return () => clearInterval(timer);
  }, [poll]);

  return { stats, receivedAt, points, error, usageError, refresh: poll };
}
