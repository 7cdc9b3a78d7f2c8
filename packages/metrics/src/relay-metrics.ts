import { EventEmitter } from 'node:events';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { type Alert, AlertRule } from './alert-rule.js';
import { ClientSeriesCache, limitIndex } from './client-series.js';
import type { Collector, CollectorHooks } from './collectors/collector.js';
import type { ObservedPool, ObservedSessionManager } from './collectors/observed-types.js';
import { attachPoolCollector, type PoolCollectorOptions } from './collectors/pool-collector.js';
import { attachSessionCollector } from './collectors/session-collector.js';
import { MetricsClosedError } from './errors.js';
import { type Exposition, RegistryExposition } from './exposition.js';
import { LabelBounder } from './label-bounder.js';
import {
  createMetricCatalogue,
  type MetricCatalogue,
  SESSION_END_REASONS,
  type SessionEndReason,
} from './metric-catalogue.js';
import { type BoundedLabel, type RelayMetricsOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { proxyLabel } from './proxy-label.js';
import { SeriesCache } from './series-cache.js';
import { SlidingWindow } from './sliding-window.js';
import { buildSnapshot, type MetricsSnapshot } from './snapshot.js';
import { statusClassIndex } from './status-class.js';
import type { AlertName } from './thresholds.js';
import {
  CONNECTION_ERROR_INDEX,
  OUTCOME_LABELS,
  outcomeIndex,
  TIMEOUT_INDEX,
  type UpstreamOutcome,
} from './upstream-outcome.js';
import type { WindowStats } from './window-stats.js';

/** One upstream request's outcome, as the relay records it on its hot path. */
export interface UpstreamRequestRecord {
  /** The upstream account used (bounded: see `labels.account`). */
  accountId?: string;
  /** The upstream origin, e.g. `https://api.anthropic.com` (bounded: see `labels.origin`). */
  origin?: string;
  /** The upstream status; absent when no response arrived. Reported as its class (`2xx`). */
  statusCode?: number;
  /** How it ended; derived from `statusCode` when absent (none → `connection_error`). */
  outcome?: UpstreamOutcome;
  /** Seconds from sending the request to the first response byte. */
  timeToFirstByteSeconds?: number;
  /** Seconds from sending the request to the last response byte. */
  durationSeconds?: number;
}

/** Token usage of one response, as the upstream reported it. */
export interface TokenUsageRecord {
  accountId?: string;
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheCreation?: number;
}

/** What one answered request of a client key was billed: tokens by kind and cost. */
export interface ClientUsageRecord {
  /** The client key's id (bounded: see `labels.client`). */
  clientId?: string;
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite5m?: number;
  cacheWrite1h?: number;
  /** Integer micro-dollars. */
  costMicroUsd?: number;
}

/** One proxy test's result. */
export interface ProxyTestRecord {
  /** The proxy (a URL's credentials, path and query are never reported; bounded: see `labels.proxy`). */
  proxy: string;
  ok: boolean;
  durationSeconds?: number;
}

/** Cache lookups by result. */
export interface CacheLookups {
  hits?: number;
  misses?: number;
}

/** A circuit breaker's state, in either spelling (`half-open` as @relay/connection-pool writes it). */
export type BreakerState = 'closed' | 'open' | 'half-open' | 'half_open';

/** Events of `RelayMetrics`. */
export interface RelayMetricsEvents {
  /** A threshold was crossed and held (see `ThresholdOptions.fireAfter`). */
  'alert-fired': [alert: Alert];
  /** A firing alert came back past its margin and held (see `ThresholdOptions.resolveAfter`). */
  'alert-resolved': [alert: Alert];
}

type WindowSlot =
  | 'requests'
  | 'connectionErrors'
  | 'sessionsEnded'
  | 'sessionsEndedEarly'
  | 'cacheLookups'
  | 'cacheHits'
  | 'utilisationSum'
  | 'utilisationSamples'
  | 'rssSum'
  | 'rssSamples';

const windowSlots: readonly WindowSlot[] = [
  'requests',
  'connectionErrors',
  'sessionsEnded',
  'sessionsEndedEarly',
  'cacheLookups',
  'cacheHits',
  'utilisationSum',
  'utilisationSamples',
  'rssSum',
  'rssSamples',
];

const knownEndReasons = new Set<string>(SESSION_END_REASONS);

/**
 * The relay's metrics on a private prom-client registry: the hot-path recording API, collectors for
 * the connection pool and the session manager, sliding-window threshold alerts, and the exposition.
 */
export class RelayMetrics extends EventEmitter<RelayMetricsEvents> {
  /** The private registry; merge it into another with `Registry.merge([...])` if you serve one endpoint. */
  readonly registry: Registry;
  /** The typed prom-client metrics, for anything the recording API does not cover. */
  readonly catalogue: MetricCatalogue;
  readonly #options: ResolvedOptions;
  readonly #exposition: RegistryExposition;
  readonly #accounts: LabelBounder;
  readonly #origins: LabelBounder;
  readonly #proxies: LabelBounder;
  readonly #errorTypes: LabelBounder;
  readonly #clients: LabelBounder;
  readonly #bounders: Record<BoundedLabel, LabelBounder>;
  readonly #clientSeries = new ClientSeriesCache();
  readonly #window: SlidingWindow<WindowSlot>;
  readonly #rules: Map<AlertName, AlertRule>;
  readonly #collectors = new Set<Collector>();
  readonly #series: SeriesCache;
  readonly #hooks: CollectorHooks;
  readonly #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: RelayMetricsOptions = {}) {
    super();
    this.#options = resolveOptions(options);
    const { labels } = this.#options;
    this.#accounts = new LabelBounder('labels.account', labels.account);
    this.#origins = new LabelBounder('labels.origin', labels.origin);
    this.#proxies = new LabelBounder('labels.proxy', labels.proxy);
    this.#errorTypes = new LabelBounder('labels.errorType', labels.errorType);
    this.#clients = new LabelBounder('labels.client', labels.client);
    this.#bounders = {
      account: this.#accounts,
      origin: this.#origins,
      proxy: this.#proxies,
      errorType: this.#errorTypes,
      client: this.#clients,
    };

    this.registry = new Registry();
    this.registry.setDefaultLabels(this.#options.defaultLabels);
    this.catalogue = createMetricCatalogue(this.registry, this.#options.buckets, {
      upstreamRequests: () => {
        for (const pending of this.#series.pendingRequests()) pending.flushInto(this.catalogue.upstreamRequests);
      },
      tokens: () => {
        for (const pending of this.#series.pendingTokens()) pending.flushInto(this.catalogue.tokens);
      },
      clients: () => {
        for (const series of this.#clientSeries.values()) {
          series.tokens.flushInto(this.catalogue.clientTokens);
          series.cost.flushInto(this.catalogue.clientCost);
          series.rejections.flushInto(this.catalogue.clientLimitRejections);
        }
      },
      attachedStats: () => this.#pullAttachedStats(),
    });
    this.#series = new SeriesCache({
      timeToFirstByte: this.catalogue.upstreamTimeToFirstByte,
      duration: this.catalogue.upstreamDuration,
    });
    if (this.#options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
    this.#exposition = new RegistryExposition(this.registry);

    this.#window = new SlidingWindow(windowSlots, this.#options.windowMs, this.#options.windowBuckets);
    this.#rules = new Map(this.#options.thresholds.map((definition) => [definition.name, new AlertRule(definition)]));
    for (const name of this.#rules.keys()) this.catalogue.alertsFiring.set({ alert: name }, 0);
    const errorCodes = new LabelBounder('labels.errorCode', { maxValues: 50, maxLength: 64 });
    this.#hooks = {
      catalogue: this.catalogue,
      originLabel: (origin) => this.#origins.bound(origin),
      errorCodeLabel: (code) => errorCodes.bound(code),
      poolLoadSamplers: new Set(),
      statsPulls: new Set(),
    };

    if (this.#options.evaluationIntervalMs !== false) {
      this.#timer = setInterval(() => this.evaluate(), this.#options.evaluationIntervalMs);
      // Metrics must never keep a process alive on their own.
      this.#timer.unref();
    }
  }

  /** Records one upstream request: its count by status class and outcome, and its timings. */
  recordUpstreamRequest(request: UpstreamRequestRecord): void {
    const route = this.#series.route(this.#accounts.bound(request.accountId), this.#origins.bound(request.origin));
    const outcome = outcomeIndex(request.outcome, request.statusCode);
    route.requests.add(statusClassIndex(request.statusCode) * OUTCOME_LABELS.length + outcome, 1);
    if (isDuration(request.timeToFirstByteSeconds)) route.timeToFirstByte.observe(request.timeToFirstByteSeconds);
    if (isDuration(request.durationSeconds)) route.duration.observe(request.durationSeconds);
    const now = Date.now();
    this.#window.add('requests', 1, now);
    if (outcome === CONNECTION_ERROR_INDEX || outcome === TIMEOUT_INDEX) this.#window.add('connectionErrors', 1, now);
  }

  /** Records the tokens of one response by kind; missing, zero, negative or non-finite counts are skipped. */
  recordTokens(usage: TokenUsageRecord): void {
    const tokens = this.#series.tokens(this.#accounts.bound(usage.accountId));
    // Cells in TOKEN_KINDS order: input, output, cache_read, cache_creation.
    if (isCount(usage.input)) tokens.add(0, usage.input);
    if (isCount(usage.output)) tokens.add(1, usage.output);
    if (isCount(usage.cacheRead)) tokens.add(2, usage.cacheRead);
    if (isCount(usage.cacheCreation)) tokens.add(3, usage.cacheCreation);
  }

  /**
   * Replaces the allow-list of one bounded label at runtime (the relay's accounts after a config reload):
   * values recorded from now on are reported as they are only if they are in `values`, else as `other`.
   * Series already reported stay. Throws `InvalidMetricsOptionError` for a value that is not a non-empty string.
   */
  allowLabelValues(label: BoundedLabel, values: readonly string[]): void {
    this.#bounders[label].allow(values);
  }

  /** Records what one request of a client key was billed; missing, zero, negative or non-finite counts are skipped. */
  recordClientUsage(usage: ClientUsageRecord): void {
    const series = this.#clientSeries.of(this.#clients.bound(usage.clientId));
    // Cells in BILLED_TOKEN_KINDS order: input, output, cache_read, cache_write_5m, cache_write_1h.
    if (isCount(usage.input)) series.tokens.add(0, usage.input);
    if (isCount(usage.output)) series.tokens.add(1, usage.output);
    if (isCount(usage.cacheRead)) series.tokens.add(2, usage.cacheRead);
    if (isCount(usage.cacheWrite5m)) series.tokens.add(3, usage.cacheWrite5m);
    if (isCount(usage.cacheWrite1h)) series.tokens.add(4, usage.cacheWrite1h);
    if (isCount(usage.costMicroUsd)) series.cost.add(0, usage.costMicroUsd);
  }

  /** Records a request of a client key refused by one of its limits (`requests-per-minute`, `budget`, …). */
  recordLimitRejection(clientId: string | undefined, limit: string): void {
    this.#clientSeries.of(this.#clients.bound(clientId)).rejections.add(limitIndex(limit), 1);
  }

  /** Records a request billed at the default price because its model is in no price table. */
  recordUnknownModel(): void {
    this.catalogue.unknownModelRequests.inc();
  }

  /** Records one error of the relay by type (bounded: see `labels.errorType`). */
  recordRelayError(type: string): void {
    this.catalogue.relayErrors.inc({ type: this.#errorTypes.bound(type) });
  }

  /** Records one proxy test's result and round trip. */
  recordProxyTest(test: ProxyTestRecord): void {
    const proxy = this.#proxies.bound(proxyLabel(test.proxy));
    this.catalogue.proxyTests.inc({ proxy, result: test.ok ? 'ok' : 'failed' });
    if (isDuration(test.durationSeconds)) this.catalogue.proxyTestDuration.observe({ proxy }, test.durationSeconds);
  }

  /** Records lookups of a dispatcher in a pool's cache. */
  recordDispatcherCacheLookups(lookups: CacheLookups): void {
    if (isCount(lookups.hits)) this.catalogue.dispatcherCacheLookups.inc({ result: 'hit' }, lookups.hits);
    if (isCount(lookups.misses)) this.catalogue.dispatcherCacheLookups.inc({ result: 'miss' }, lookups.misses);
  }

  /** Records a circuit breaker's change of state. */
  recordBreakerTransition(origin: string | undefined, state: BreakerState): void {
    this.catalogue.breakerTransitions.inc({ origin: this.#origins.bound(origin), state: breakerStateLabel(state) });
  }

  /** Records sessions created. */
  recordSessionCreated(count = 1): void {
    if (isCount(count)) this.catalogue.sessionsCreated.inc(count);
  }

  /** Records sessions that ended, and why (`evicted` and `lost` count against the survival rate). */
  recordSessionEnded(reason: SessionEndReason, count = 1): void {
    if (!isCount(count)) return;
    const known = knownEndReasons.has(reason) ? reason : 'lost';
    this.catalogue.sessionsEnded.inc({ reason: known }, count);
    if (known === 'expired') this.catalogue.sessionsExpired.inc(count);
    const now = Date.now();
    this.#window.add('sessionsEnded', count, now);
    if (known === 'evicted' || known === 'lost') this.#window.add('sessionsEndedEarly', count, now);
  }

  /** Records session reads answered (or not) from process memory; they make the cache hit rate. */
  recordSessionCacheLookups(lookups: CacheLookups): void {
    const hits = isCount(lookups.hits) ? lookups.hits : 0;
    const misses = isCount(lookups.misses) ? lookups.misses : 0;
    if (hits > 0) this.catalogue.sessionCacheLookups.inc({ result: 'hit' }, hits);
    if (misses > 0) this.catalogue.sessionCacheLookups.inc({ result: 'miss' }, misses);
    const now = Date.now();
    this.#window.add('cacheLookups', hits + misses, now);
    this.#window.add('cacheHits', hits, now);
  }

  /** Records one batch of session changes written to the shared store. */
  recordSyncBatch(): void {
    this.catalogue.syncBatches.inc();
  }

  /** Records session changes dropped because the queue of unsynced changes overflowed. */
  recordDroppedChanges(count: number): void {
    if (isCount(count)) this.catalogue.droppedChanges.inc(count);
  }

  /**
   * Attaches to a `ConnectionPool` of @relay/connection-pool: its events (connection errors, circuit
   * transitions, proxy tests, health checks; requests with `recordRequests`) and its `stats()` (connections
   * by state, dispatcher cache, breakers, utilisation). `detach()` removes every listener.
   */
  collectPool(pool: ObservedPool, options: PoolCollectorOptions = {}): Collector {
    return this.#track('collectPool', (hooks) => attachPoolCollector(this, hooks, pool, options));
  }

  /**
   * Attaches to a `SessionManager` of @relay/session-store: its events (created, ended, expired, sync
   * batches, dropped changes) and its `stats()` (active, cache lookups, evictions, unsynced, degraded).
   */
  collectSessions(manager: ObservedSessionManager): Collector {
    return this.#track('collectSessions', (hooks) => attachSessionCollector(this, hooks, manager));
  }

  /** The sliding window's figures at `now`. */
  windowStats(now: number = Date.now()): WindowStats {
    const total = (slot: WindowSlot) => this.#window.total(slot, now);
    const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);
    const upstreamRequests = total('requests');
    const connectionErrors = total('connectionErrors');
    const sessionsEnded = total('sessionsEnded');
    const sessionsEndedEarly = total('sessionsEndedEarly');
    const cacheLookups = total('cacheLookups');
    const cacheHits = total('cacheHits');
    const earlyRatio = ratio(sessionsEndedEarly, sessionsEnded);
    return {
      seconds: this.#options.windowMs / 1000,
      upstreamRequests,
      connectionErrors,
      connectionErrorRate: ratio(connectionErrors, upstreamRequests),
      sessionsEnded,
      sessionsEndedEarly,
      sessionSurvivalRate: earlyRatio === null ? null : 1 - earlyRatio,
      cacheLookups,
      cacheHits,
      cacheHitRate: ratio(cacheHits, cacheLookups),
      poolUtilisation: ratio(total('utilisationSum'), total('utilisationSamples')),
      residentSetSizeBytes: ratio(total('rssSum'), total('rssSamples')),
    };
  }

  /**
   * Samples the gauges the thresholds judge (RSS, pool utilisation), evaluates every threshold over the
   * window ending at `now`, emits `alert-fired` / `alert-resolved`, and returns the firing alerts.
   * Runs on the evaluation timer; call it directly in tests or with `evaluationIntervalMs: false`.
   */
  evaluate(now: number = Date.now()): Alert[] {
    this.#pullAttachedStats();
    this.#sample(now);
    const stats = this.windowStats(now);
    const samples = {
      requests: stats.upstreamRequests,
      sessionsEnded: stats.sessionsEnded,
      cacheLookups: stats.cacheLookups,
      utilisation: this.#window.total('utilisationSamples', now),
      rss: this.#window.total('rssSamples', now),
    };
    const judged: Record<AlertName, [number | null, number]> = {
      'connection-error-rate': [stats.connectionErrorRate, samples.requests],
      'session-survival-rate': [stats.sessionSurvivalRate, samples.sessionsEnded],
      'cache-hit-rate': [stats.cacheHitRate, samples.cacheLookups],
      'pool-utilisation': [stats.poolUtilisation, samples.utilisation],
      'process-memory': [stats.residentSetSizeBytes, samples.rss],
    };
    for (const [name, rule] of this.#rules) {
      const [value, sampleCount] = judged[name];
      const transition = rule.evaluate(
        value === null || sampleCount < rule.definition.minSamples ? undefined : value,
        now,
      );
      if (transition === undefined) continue;
      this.catalogue.alertsFiring.set({ alert: name }, transition.kind === 'fired' ? 1 : 0);
      this.emit(transition.kind === 'fired' ? 'alert-fired' : 'alert-resolved', transition.alert);
    }
    return this.alerts();
  }

  /** The alerts firing now. */
  alerts(): Alert[] {
    const firing: Alert[] = [];
    for (const rule of this.#rules.values()) {
      const alert = rule.current();
      if (alert !== undefined) firing.push(alert);
    }
    return firing;
  }

  /** The Prometheus text exposition (`{ openMetrics: true }`: OpenMetrics 1.0) and its content type. */
  metrics(options: { openMetrics?: boolean } = {}): Promise<Exposition> {
    return this.#exposition.render(options.openMetrics === true);
  }

  /** A JSON-ready snapshot for a stats endpoint: the window's figures, firing alerts and every metric's values. */
  async snapshot(now: number = Date.now()): Promise<MetricsSnapshot> {
    return buildSnapshot(await this.registry.getMetricsAsJSON(), this.windowStats(now), this.alerts(), now);
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Stops the evaluation timer and detaches every collector. prom-client's default metrics keep their observers. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    for (const collector of [...this.#collectors]) collector.detach();
  }

  /** Registers a collector built by `attach`, so that `close()` detaches it. */
  #track(operation: string, attach: (hooks: CollectorHooks) => Collector): Collector {
    if (this.#closed) throw new MetricsClosedError(operation);
    const attached = attach(this.#hooks);
    const collector: Collector = {
      detach: () => {
        if (!this.#collectors.delete(collector)) return;
        attached.detach();
      },
    };
    this.#collectors.add(collector);
    return collector;
  }

  #pullAttachedStats(): void {
    for (const pull of this.#hooks.statsPulls) pull();
  }

  #sample(now: number): void {
    this.#window.add('rssSum', process.memoryUsage.rss(), now);
    this.#window.add('rssSamples', 1, now);
    let busy = 0;
    let capacity = 0;
    for (const sampleLoad of this.#hooks.poolLoadSamplers) {
      const load = sampleLoad();
      if (load === undefined) continue;
      busy += load.busy;
      capacity += load.capacity;
    }
    if (capacity > 0) {
      this.#window.add('utilisationSum', busy / capacity, now);
      this.#window.add('utilisationSamples', 1, now);
    }
  }
}

/** A `RelayMetrics` instance on its own private registry. */
export function createRelayMetrics(options?: RelayMetricsOptions): RelayMetrics {
  return new RelayMetrics(options);
}

const breakerStateLabels = new Map<string, string>([
  ['closed', 'closed'],
  ['open', 'open'],
  ['half-open', 'half_open'],
  ['half_open', 'half_open'],
]);

function breakerStateLabel(state: BreakerState): string {
  return breakerStateLabels.get(state) ?? 'other';
}

function isDuration(value: number | undefined): value is number {
  return typeof value === 'number' && value >= 0 && value < Number.POSITIVE_INFINITY;
}

function isCount(value: number | undefined): value is number {
  return typeof value === 'number' && value > 0 && value < Number.POSITIVE_INFINITY;
}
