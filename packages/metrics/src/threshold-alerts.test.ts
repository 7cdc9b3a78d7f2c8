import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseExposition, sampleValue } from './__fixtures__/parse-exposition.js';
import type { Alert } from './alert-rule.js';
import { createRelayMetrics, type RelayMetrics, type RelayMetricsEvents } from './relay-metrics.js';
import type { ThresholdsOptions } from './thresholds.js';

const onlyConnectionErrors: ThresholdsOptions = {
  sessionSurvivalRate: false,
  cacheHitRate: false,
  poolUtilisation: false,
  processMemoryBytes: false,
};

const created: RelayMetrics[] = [];
beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2025-01-01T00:00:00Z'));
});
afterEach(() => {
  for (const metrics of created.splice(0)) metrics.close();
  vi.useRealTimers();
});

function metricsWith(thresholds: ThresholdsOptions, evaluationIntervalMs: number | false = 10_000) {
  const metrics = createRelayMetrics({ defaultMetrics: false, windowMs: 60_000, evaluationIntervalMs, thresholds });
  created.push(metrics);
  const events: Array<{ kind: keyof RelayMetricsEvents; alert: Alert }> = [];
  metrics.on('alert-fired', (alert) => events.push({ kind: 'alert-fired', alert }));
  metrics.on('alert-resolved', (alert) => events.push({ kind: 'alert-resolved', alert }));
  return { metrics, events };
}

/** Sends `total` upstream requests of which `failed` had no connection, spread over the next `ms`. */
function traffic(metrics: RelayMetrics, total: number, failed: number): void {
  for (let index = 0; index < total; index += 1) {
    metrics.recordUpstreamRequest(
      index < failed ? { accountId: 'acct-a', origin: 'o' } : { accountId: 'acct-a', origin: 'o', statusCode: 200 },
    );
  }
}

/** Runs `steps` evaluation periods of 10 s, each with the given traffic. */
function periods(metrics: RelayMetrics, steps: number, total: number, failed: number): void {
  for (let step = 0; step < steps; step += 1) {
    traffic(metrics, total, failed);
    vi.advanceTimersByTime(10_000);
  }
}

describe('threshold alerts', () => {
  it('fires on the evaluation timer when the connection error rate crosses 5 %, and lists the alert', async () => {
    const { metrics, events } = metricsWith(onlyConnectionErrors);
    periods(metrics, 1, 100, 10);
    expect(events).toEqual([
      {
        kind: 'alert-fired',
        alert: {
          name: 'connection-error-rate',
          direction: 'above',
          limit: 0.05,
          value: 0.1,
          firedAt: Date.parse('2025-01-01T00:00:10Z'),
        },
      },
    ]);
    expect(metrics.alerts().map((alert) => alert.name)).toEqual(['connection-error-rate']);
    const exposition = parseExposition((await metrics.metrics()).body);
    expect(sampleValue(exposition, 'relay_alerts_firing', { alert: 'connection-error-rate' })).toBe(1);
    expect((await metrics.snapshot()).alerts).toHaveLength(1);
  });

  it('does not flap while the rate hovers around the limit, and resolves only below limit - margin for 3 evaluations', () => {
    const { metrics, events } = metricsWith(onlyConnectionErrors);
    periods(metrics, 1, 100, 10);
    expect(events).toHaveLength(1);

    // Hovering: 5.5 % and 4.5 % in turn, for five minutes. Below the limit but above limit - margin (4 %).
    for (let round = 0; round < 15; round += 1) {
      periods(metrics, 1, 200, 11);
      periods(metrics, 1, 200, 9);
    }
    expect(events).toHaveLength(1);
    expect(metrics.alerts()).toHaveLength(1);

    // Healthy at 2 %: the window still holds hovering traffic for a while, then 3 evaluations in a row pass.
    periods(metrics, 6, 100, 2);
    const resolved = events.filter((event) => event.kind === 'alert-resolved');
    expect(resolved).toHaveLength(1);
    expect(resolved[0]?.alert).toMatchObject({ name: 'connection-error-rate', firedAt: events[0]?.alert.firedAt });
    expect(resolved[0]?.alert.resolvedAt).toBeGreaterThan(events[0]?.alert.firedAt ?? Number.POSITIVE_INFINITY);
    expect(resolved[0]?.alert.value).toBeLessThanOrEqual(0.04);
    expect(metrics.alerts()).toEqual([]);
    expect(events.map((event) => event.kind)).toEqual(['alert-fired', 'alert-resolved']);
  });

  it('judges the sliding window, not the time since start', () => {
    const { metrics, events } = metricsWith(onlyConnectionErrors);
    // An hour of clean traffic does not dilute a bad minute.
    periods(metrics, 360, 100, 0);
    expect(events).toEqual([]);
    periods(metrics, 1, 100, 30);
    expect(events.map((event) => event.kind)).toEqual(['alert-fired']);
    // And the bad minute leaves the window: a minute later only clean traffic is judged.
    periods(metrics, 9, 100, 0);
    expect(events.map((event) => event.kind)).toEqual(['alert-fired', 'alert-resolved']);
    expect(metrics.windowStats()).toMatchObject({ connectionErrors: 0, connectionErrorRate: 0 });
  });

  it('holds its verdict back below minSamples, and resolves once the window is empty', () => {
    const { metrics, events } = metricsWith(onlyConnectionErrors);
    periods(metrics, 1, 5, 5);
    expect(events).toEqual([]);
    periods(metrics, 1, 20, 20);
    expect(events.map((event) => event.kind)).toEqual(['alert-fired']);
    // Traffic stops: no evidence of a problem is left, so the alert does not stay up forever.
    vi.advanceTimersByTime(60_000 + 3 * 10_000);
    expect(events.map((event) => event.kind)).toEqual(['alert-fired', 'alert-resolved']);
  });

  it('fires after fireAfter consecutive evaluations when configured so', () => {
    const { metrics, events } = metricsWith({ ...onlyConnectionErrors, connectionErrorRate: { fireAfter: 3 } });
    periods(metrics, 2, 100, 50);
    expect(events).toEqual([]);
    periods(metrics, 1, 100, 50);
    expect(events.map((event) => event.kind)).toEqual(['alert-fired']);
  });

  it('evaluates session survival, cache hit rate and process memory with evaluate(now)', () => {
    const { metrics, events } = metricsWith(
      {
        connectionErrorRate: false,
        poolUtilisation: false,
        // Any live process is above one byte of resident memory.
        processMemoryBytes: { limit: 1, resolveMargin: 0 },
      },
      false,
    );
    // 15 sessions expired on their own, 5 were evicted early: survival 0.75 < 0.9.
    metrics.recordSessionEnded('expired', 15);
    metrics.recordSessionEnded('evicted', 5);
    // 30 hits out of 100 lookups: 0.3 < 0.8.
    metrics.recordSessionCacheLookups({ hits: 30, misses: 70 });
    const firing = metrics.evaluate(Date.now());
    expect(firing.map((alert) => [alert.name, alert.value])).toEqual([
      ['session-survival-rate', 0.75],
      ['cache-hit-rate', 0.3],
      ['process-memory', expect.any(Number)],
    ]);
    expect(firing[2]?.value).toBeGreaterThan(1_000_000);
    expect(events).toHaveLength(3);
    expect(metrics.windowStats()).toMatchObject({ sessionsEnded: 20, sessionsEndedEarly: 5, cacheLookups: 100 });
  });

  it('stops evaluating after close()', () => {
    const { metrics, events } = metricsWith(onlyConnectionErrors);
    metrics.close();
    periods(metrics, 3, 100, 100);
    expect(events).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
