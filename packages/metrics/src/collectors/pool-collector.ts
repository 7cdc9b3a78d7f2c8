import type { RelayMetrics } from '../relay-metrics.js';
import type { UpstreamOutcome } from '../upstream-outcome.js';
import type { Collector, CollectorHooks, PoolLoad } from './collector.js';
import type { ObservedPool, ObservedPoolEvents } from './observed-types.js';
import { oncePerTick } from './per-tick.js';

/** Options of `collectPool()`. */
export interface PoolCollectorOptions {
  /**
   * Also count the pool's requests (`request-completed`) as upstream requests, with their duration.
   * Leave it off when the application calls `recordUpstreamRequest()` itself (the relay does: it knows
   * the account and the time to first byte), or each request would count twice. Default false.
   */
  recordRequests?: boolean;
}

type Listeners = { [Name in keyof ObservedPoolEvents]?: (payload: ObservedPoolEvents[Name]) => void };

/** Wires a pool's events and `stats()` into `metrics`; see `RelayMetrics.collectPool`. */
export function attachPoolCollector(
  metrics: RelayMetrics,
  hooks: CollectorHooks,
  pool: ObservedPool,
  options: PoolCollectorOptions,
): Collector {
  const { catalogue, originLabel } = hooks;
  const stats = oncePerTick(() => pool.stats());
  let { hits: countedHits, misses: countedMisses } = pool.stats().cache;

  const listeners: Listeners = {
    'connection-errored': (event) => {
      catalogue.poolConnectionErrors.inc({
        origin: originLabel(event.origin),
        code: hooks.errorCodeLabel(event.errorCode),
      });
    },
    'circuit-opened': (event) => metrics.recordBreakerTransition(event.origin, 'open'),
    'circuit-half-opened': (event) => metrics.recordBreakerTransition(event.origin, 'half-open'),
    'circuit-closed': (event) => metrics.recordBreakerTransition(event.origin, 'closed'),
    'health-checked': (event) => {
      catalogue.healthChecks.inc({ origin: originLabel(event.origin), result: event.ok ? 'ok' : 'failed' });
    },
    'proxy-tested': (event) => {
      metrics.recordProxyTest({ proxy: event.proxy, ok: event.ok, durationSeconds: event.latencyMs / 1000 });
    },
  };
  if (options.recordRequests === true) {
    listeners['request-completed'] = (event) => {
      metrics.recordUpstreamRequest({
        origin: event.origin,
        statusCode: event.statusCode,
        outcome: outcomeOf(event),
        durationSeconds: event.durationMs / 1000,
      });
    };
  }

  const pullCacheLookups = () => {
    const { hits, misses } = stats().cache;
    // A pool counts from its creation; only what happened since the last pull is new here.
    metrics.recordDispatcherCacheLookups({ hits: hits - countedHits, misses: misses - countedMisses });
    countedHits = hits;
    countedMisses = misses;
  };
  const sampleLoad = (): PoolLoad | undefined => {
    let busy = 0;
    let capacity = 0;
    for (const key of stats().keys) {
      busy += key.connections.busy;
      capacity += key.connections.max;
    }
    return capacity > 0 ? { busy, capacity } : undefined;
  };
  const refreshConnections = (gauge: typeof catalogue.poolConnections) => {
    for (const key of stats().keys) {
      const origin = originLabel(key.origin);
      gauge.inc({ origin, state: 'busy' }, key.connections.busy);
      gauge.inc({ origin, state: 'idle' }, key.connections.idle);
    }
  };
  const refreshQueued = (gauge: typeof catalogue.poolQueuedRequests) => {
    for (const key of stats().keys) gauge.inc({ origin: originLabel(key.origin) }, key.connections.pending);
  };
  const refreshBreakers = (gauge: typeof catalogue.breakers) => {
    for (const key of stats().keys) {
      gauge.inc({
        origin: originLabel(key.origin),
        state: key.circuit.state === 'half-open' ? 'half_open' : key.circuit.state,
      });
    }
  };

  // Typed per event through Listeners; the cast bridges the overloads for the loop.
  const on = pool.on as (event: string, listener: (payload: never) => void) => unknown;
  const off = pool.off as (event: string, listener: (payload: never) => void) => unknown;
  for (const [event, listener] of Object.entries(listeners)) on.call(pool, event, listener);
  hooks.statsPulls.add(pullCacheLookups);
  hooks.poolLoadSamplers.add(sampleLoad);
  catalogue.refreshers.poolConnections.add(refreshConnections);
  catalogue.refreshers.poolQueuedRequests.add(refreshQueued);
  catalogue.refreshers.breakers.add(refreshBreakers);

  return {
    detach: () => {
      for (const [event, listener] of Object.entries(listeners)) off.call(pool, event, listener);
      hooks.statsPulls.delete(pullCacheLookups);
      hooks.poolLoadSamplers.delete(sampleLoad);
      catalogue.refreshers.poolConnections.delete(refreshConnections);
      catalogue.refreshers.poolQueuedRequests.delete(refreshQueued);
      catalogue.refreshers.breakers.delete(refreshBreakers);
    },
  };
}

/** The pool's outcome in this package's terms: `failure` splits by whether a response arrived. */
function outcomeOf(event: ObservedPoolEvents['request-completed']): UpstreamOutcome {
  switch (event.outcome) {
    case 'success':
      return event.statusCode !== undefined && event.statusCode >= 400 ? 'http_error' : 'success';
    case 'aborted':
      return 'aborted';
    case 'rejected':
      return 'rejected';
    default:
      if (event.statusCode !== undefined) return 'http_error';
      return event.errorCode?.includes('TIMEOUT') ? 'timeout' : 'connection_error';
  }
}
