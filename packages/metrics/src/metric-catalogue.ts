import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Why a session ended: `expired` (idle past its time to live), `ended` (ended on purpose), `evicted`
 * (pushed out of memory by the `maxSessions` cap before its time), `lost` (gone for another reason the
 * application saw, e.g. a shared store that no longer has it).
 */
export type SessionEndReason = 'expired' | 'ended' | 'evicted' | 'lost';

/** Every session end reason, in label order. */
export const SESSION_END_REASONS: readonly SessionEndReason[] = ['expired', 'ended', 'evicted', 'lost'];

/** Histogram buckets, in seconds. */
export interface BucketOptions {
  /**
   * Both upstream timings: time to first byte and whole request (streams run for minutes). One layout
   * for both on purpose: prom-client keeps a histogram's buckets in an object keyed by bound, so two
   * histograms with the same bounds share one object shape and the hot path stays monomorphic.
   */
  upstream?: readonly number[];
  /** Proxy test round trip. */
  proxyTest?: readonly number[];
}

/** Default buckets: a model's first byte takes ~0.3 s to seconds, a long stream minutes. */
export const DEFAULT_BUCKETS: Readonly<Required<BucketOptions>> = {
  upstream: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
  proxyTest: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
};

/** What runs before a counter is read, to bring it up to date. */
export interface PendingFlush {
  /** Hands the hot path's pending request counts to their counter. */
  readonly upstreamRequests: () => void;
  /** Hands the hot path's pending token counts to their counter. */
  readonly tokens: () => void;
  /** Hands the pending billed tokens, costs and limit rejections of client keys to their counters. */
  readonly clients: () => void;
  /** Pulls the cumulative figures of the attached pools and managers (cache lookups, evictions). */
  readonly attachedStats: () => void;
}

/** A scrape-time hook that adds its source's current values to a gauge (after the gauge was reset). */
export type GaugeRefresher<Label extends string> = (gauge: Gauge<Label>) => void;

function refreshedFrom<Label extends string>(refreshers: Set<GaugeRefresher<Label>>): (this: Gauge<Label>) => void {
  return function collect(this: Gauge<Label>) {
    // Reset first, so that a detached source or a vanished label set stops being reported.
    this.reset();
    for (const refresh of refreshers) refresh(this);
  };
}

/** The relay's metrics on one registry, typed; see the README for each one's meaning. */
export function createMetricCatalogue(registry: Registry, buckets: Required<BucketOptions>, flush: PendingFlush) {
  const registers = [registry];
  const refreshers = {
    poolConnections: new Set<GaugeRefresher<'origin' | 'state'>>(),
    poolQueuedRequests: new Set<GaugeRefresher<'origin'>>(),
    breakers: new Set<GaugeRefresher<'origin' | 'state'>>(),
    sessionsActive: new Set<GaugeRefresher<never>>(),
    unsyncedChanges: new Set<GaugeRefresher<never>>(),
    storeDegraded: new Set<GaugeRefresher<never>>(),
  };
  return {
    refreshers,
    upstreamRequests: new Counter({
      name: 'relay_upstream_requests_total',
      help: 'Requests forwarded upstream, by account, origin, status class and outcome.',
      labelNames: ['account', 'origin', 'status_class', 'outcome'] as const,
      registers,
      collect: flush.upstreamRequests,
    }),
    upstreamTimeToFirstByte: new Histogram({
      name: 'relay_upstream_time_to_first_byte_seconds',
      help: 'Time from sending an upstream request to the first byte of its response.',
      labelNames: ['account', 'origin'] as const,
      buckets: [...buckets.upstream],
      registers,
    }),
    upstreamDuration: new Histogram({
      name: 'relay_upstream_request_duration_seconds',
      help: 'Time from sending an upstream request to the last byte of its response.',
      labelNames: ['account', 'origin'] as const,
      buckets: [...buckets.upstream],
      registers,
    }),
    tokens: new Counter({
      name: 'relay_tokens_total',
      help: 'Tokens reported by the upstream usage, by account and kind (input, output, cache_read, cache_creation).',
      labelNames: ['account', 'kind'] as const,
      registers,
      collect: flush.tokens,
    }),
    clientTokens: new Counter({
      name: 'relay_client_tokens_total',
      help: 'Tokens billed to client keys, by key and kind (input, output, cache_read, cache_write_5m, cache_write_1h).',
      labelNames: ['client', 'kind'] as const,
      registers,
      collect: flush.clients,
    }),
    clientCost: new Counter({
      name: 'relay_client_cost_microdollars_total',
      help: 'Cost billed to client keys in micro-dollars (USD × 1e6), by key.',
      labelNames: ['client'] as const,
      registers,
      collect: flush.clients,
    }),
    clientLimitRejections: new Counter({
      name: 'relay_client_limit_rejections_total',
      help: 'Requests of client keys refused by one of their limits, by key and limit (requests_per_minute, tokens_per_minute, concurrency, budget).',
      labelNames: ['client', 'limit'] as const,
      registers,
      collect: flush.clients,
    }),
    unknownModelRequests: new Counter({
      name: 'relay_unknown_model_requests_total',
      help: 'Requests billed at the default price because their model is in no price table.',
      registers,
    }),
    relayErrors: new Counter({
      name: 'relay_errors_total',
      help: 'Errors the relay itself produced or met, by type.',
      labelNames: ['type'] as const,
      registers,
    }),
    proxyTests: new Counter({
      name: 'relay_proxy_tests_total',
      help: 'Proxy tests run, by proxy and result (ok, failed).',
      labelNames: ['proxy', 'result'] as const,
      registers,
    }),
    proxyTestDuration: new Histogram({
      name: 'relay_proxy_test_duration_seconds',
      help: 'Round trip of a proxy test, by proxy.',
      labelNames: ['proxy'] as const,
      buckets: [...buckets.proxyTest],
      registers,
    }),
    poolConnections: new Gauge({
      name: 'relay_pool_connections',
      help: 'Upstream connections of the attached pools, by origin and state (busy, idle).',
      labelNames: ['origin', 'state'] as const,
      registers,
      collect: refreshedFrom(refreshers.poolConnections),
    }),
    poolQueuedRequests: new Gauge({
      name: 'relay_pool_queued_requests',
      help: 'Requests waiting for a free upstream connection, by origin.',
      labelNames: ['origin'] as const,
      registers,
      collect: refreshedFrom(refreshers.poolQueuedRequests),
    }),
    dispatcherCacheLookups: new Counter({
      name: 'relay_pool_dispatcher_cache_lookups_total',
      help: 'Lookups of a dispatcher for (origin, proxy) in the pool, by result (hit, miss).',
      labelNames: ['result'] as const,
      registers,
      collect: flush.attachedStats,
    }),
    poolConnectionErrors: new Counter({
      name: 'relay_pool_connection_errors_total',
      help: 'Failed upstream connection attempts of the attached pools, by origin and error code.',
      labelNames: ['origin', 'code'] as const,
      registers,
    }),
    healthChecks: new Counter({
      name: 'relay_pool_health_checks_total',
      help: 'Active health checks of the attached pools, by origin and result (ok, failed).',
      labelNames: ['origin', 'result'] as const,
      registers,
    }),
    breakers: new Gauge({
      name: 'relay_pool_breakers',
      help: 'Circuit breakers of the attached pools, by origin and state (closed, open, half_open).',
      labelNames: ['origin', 'state'] as const,
      registers,
      collect: refreshedFrom(refreshers.breakers),
    }),
    breakerTransitions: new Counter({
      name: 'relay_pool_breaker_transitions_total',
      help: 'Circuit breaker state changes, by origin and the state entered.',
      labelNames: ['origin', 'state'] as const,
      registers,
    }),
    sessionsActive: new Gauge({
      name: 'relay_sessions_active',
      help: 'Sessions currently held by the attached session managers.',
      registers,
      collect: refreshedFrom(refreshers.sessionsActive),
    }),
    sessionsCreated: new Counter({
      name: 'relay_sessions_created_total',
      help: 'Sessions created.',
      registers,
    }),
    sessionsExpired: new Counter({
      name: 'relay_sessions_expired_total',
      help: 'Sessions that expired after their idle time to live.',
      registers,
    }),
    sessionsEnded: new Counter({
      name: 'relay_sessions_ended_total',
      help: 'Sessions that ended, by reason (expired, ended, evicted, lost).',
      labelNames: ['reason'] as const,
      registers,
      collect: flush.attachedStats,
    }),
    sessionCacheLookups: new Counter({
      name: 'relay_session_cache_lookups_total',
      help: 'Session reads answered from process memory, by result (hit, miss).',
      labelNames: ['result'] as const,
      registers,
      collect: flush.attachedStats,
    }),
    syncBatches: new Counter({
      name: 'relay_session_sync_batches_total',
      help: 'Batches of session changes written to the shared store.',
      registers,
    }),
    droppedChanges: new Counter({
      name: 'relay_session_dropped_changes_total',
      help: 'Session changes dropped because the queue of unsynced changes overflowed.',
      registers,
    }),
    unsyncedChanges: new Gauge({
      name: 'relay_session_unsynced_changes',
      help: 'Session changes made locally and not yet written to the shared store.',
      registers,
      collect: refreshedFrom(refreshers.unsyncedChanges),
    }),
    storeDegraded: new Gauge({
      name: 'relay_session_store_degraded',
      help: '1 while the session store runs degraded (its shared backend unreachable), else 0.',
      registers,
      collect: refreshedFrom(refreshers.storeDegraded),
    }),
    alertsFiring: new Gauge({
      name: 'relay_alerts_firing',
      help: '1 while the threshold alert is firing, else 0.',
      labelNames: ['alert'] as const,
      registers,
    }),
  };
}

/** The typed metrics of one `RelayMetrics` instance. */
export type MetricCatalogue = ReturnType<typeof createMetricCatalogue>;
