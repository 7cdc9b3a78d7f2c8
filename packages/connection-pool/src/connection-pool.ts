import { EventEmitter } from 'node:events';
import type http from 'node:http';
import { LRUCache } from 'lru-cache';
import type { Dispatcher } from 'undici';
import type { CircuitState, CircuitTransition } from './circuit-breaker.js';
import { type DispatcherKey, DispatcherKeyResolver } from './dispatcher-key.js';
import { errorCode, PoolClosedError } from './errors.js';
import {
  type CircuitEvent,
  type ConnectionPoolEventName,
  type ConnectionPoolEvents,
  hasDiagnosticsSubscribers,
  publishDiagnostics,
} from './events.js';
import { HealthChecker, type HealthCheckResult } from './health-checker.js';
import { createNodeAgent } from './node-agent.js';
import type { RequestOutcome } from './outcome-interceptor.js';
import { PoolEntry } from './pool-entry.js';
import { type ConnectionPoolOptions, type ResolvedPoolOptions, resolvePoolOptions } from './pool-options.js';
import { type ProxyTestResult, testProxyWith } from './proxy/test-proxy.js';
import type { ConnectionPoolStats, DispatcherStats } from './stats.js';

/** Which route a call is about: the proxy URL (`http://`, `https://`, `socks5://`, `socks5h://`) or none. */
export interface RouteOptions {
  proxy?: string | URL | undefined;
}

/** One thing to warm up: an origin, or an origin with the proxy that reaches it. */
export type WarmupTarget = string | URL | { origin: string | URL; proxy?: string | URL | undefined };

/** How the warm-up of one target went. */
export interface WarmupResult {
  /** The printable key (no credentials). */
  key: string;
  ok: boolean;
  /** Sockets opened by this warm-up (TCP + TLS done). */
  opened: number;
  durationMs: number;
  error: Error | undefined;
}

/** An outcome the caller saw and the pool could not (e.g. its own timeout, or an answer it treats as a failure). */
export interface ReportedOutcome {
  ok: boolean;
  /** The code `stats().errors` counts it under, the caller's own (e.g. `HTTP_529`). Default `REPORTED_FAILURE`. */
  errorCode?: string;
}

const circuitEvents: Record<CircuitState, 'circuit-opened' | 'circuit-half-opened' | 'circuit-closed'> = {
  open: 'circuit-opened',
  'half-open': 'circuit-half-opened',
  closed: 'circuit-closed',
};

/**
 * Owns every outbound connection: one pooled keep-alive undici dispatcher per (origin, proxy) in an LRU cache, each
 * with dynamic sizing, a warm reserve, health checks and a circuit breaker. An EventEmitter of ConnectionPoolEvents.
 */
export class ConnectionPool extends EventEmitter<ConnectionPoolEvents> {
  readonly options: ResolvedPoolOptions;
  readonly #keys: DispatcherKeyResolver;
  readonly #entries: LRUCache<string, PoolEntry>;
  readonly #agents: LRUCache<string, http.Agent>;
  readonly #health: HealthChecker<PoolEntry>;
  readonly #cleanupTimer: NodeJS.Timeout;
  readonly #closing = new Set<Promise<void>>();
  readonly #errors = new Map<string, number>();
  #hits = 0;
  #misses = 0;
  #requests = 0;
  #closed = false;

  /** Validates the options (InvalidOptionError names the bad one) and starts the health and cleanup timers. */
  constructor(options: ConnectionPoolOptions = {}) {
    super();
    this.options = resolvePoolOptions(options);
    const { maxDispatchers, dispatcherTtl } = this.options;
    this.#keys = new DispatcherKeyResolver(maxDispatchers * 4);
    this.#entries = new LRUCache<string, PoolEntry>({
      max: maxDispatchers,
      ttl: dispatcherTtl,
      updateAgeOnGet: true,
      dispose: (entry, _id, reason) => {
        // Graceful: undici lets in-flight requests finish before the sockets close.
        const closing = entry.close().finally(() => this.#closing.delete(closing));
        this.#closing.add(closing);
        this.#emit('dispatcher-evicted', {
          key: entry.label,
          origin: entry.key.origin,
          proxy: entry.key.proxy?.redacted,
          reason: reason === 'expire' || reason === 'evict' ? reason : 'delete',
        });
      },
    });
    this.#agents = new LRUCache<string, http.Agent>({
      max: maxDispatchers,
      ttl: dispatcherTtl,
      updateAgeOnGet: true,
      dispose: (agent) => agent.destroy(),
    });
    this.#health = new HealthChecker(
      {
        interval: this.options.health.interval,
        timeout: this.options.health.timeout,
        probe: this.options.health.probe,
      },
      // An open circuit waits for its recovery time; the half-open probe is the check that matters then.
      () => [...this.#entries.values()].filter((entry) => entry.breaker.state !== 'open'),
      (entry, result) => this.#onHealthResult(entry, result),
    );
    if (this.options.health.active) this.#health.start();
    this.#cleanupTimer = setInterval(() => this.cleanup(), this.options.cleanupInterval);
    this.#cleanupTimer.unref();
  }

  /**
   * The pooled dispatcher for (origin, proxy): pass it to `undici.request(url, { dispatcher })` or call its methods.
   * A cache hit is a map lookup. While the key's circuit is open its requests fail with CircuitOpenError.
   */
  get(origin: string | URL, options?: RouteOptions): Dispatcher {
    return this.#entry(origin, options?.proxy).dispatcher;
  }

  /** Whether requests for (origin, proxy) would go through now (its circuit is not open); never creates a dispatcher. */
  isAvailable(origin: string | URL, options?: RouteOptions): boolean {
    return this.#peek(origin, options?.proxy)?.breaker.available ?? true;
  }

  /** The circuit state of (origin, proxy); `closed` for a key with no dispatcher yet. */
  circuitState(origin: string | URL, options?: RouteOptions): CircuitState {
    return this.#peek(origin, options?.proxy)?.breaker.state ?? 'closed';
  }

  /** Reports an outcome the pool's own hooks cannot see (a 5xx the caller treats as failure, its own timeout). */
  reportOutcome(origin: string | URL, options: RouteOptions | undefined, outcome: ReportedOutcome): void {
    const entry = this.#peek(origin, options?.proxy);
    if (!entry) return;
    if (outcome.ok) {
      entry.breaker.recordSuccess();
      return;
    }
    const code = outcome.errorCode ?? 'REPORTED_FAILURE';
    this.#countError(code);
    entry.recordFailure(code);
  }

  /**
   * Opens `connections.min` sockets (TCP + tunnel + TLS) to each target before traffic and keeps that many open from
   * then on. Never throws: each target's result (and a `warmup-completed` event) says how it went.
   */
  async warmup(targets: Iterable<WarmupTarget>): Promise<WarmupResult[]> {
    const runs = [...targets].map(async (target): Promise<WarmupResult> => {
      const started = performance.now();
      const origin = typeof target === 'string' || target instanceof URL ? target : target.origin;
      const proxy = typeof target === 'string' || target instanceof URL ? undefined : target.proxy;
      let entry: PoolEntry;
      try {
        entry = this.#entry(origin, proxy);
      } catch (error) {
        return { key: '[invalid target]', ok: false, opened: 0, durationMs: 0, error: error as Error };
      }
      const { opened, errors } = await entry.warmUp();
      const error = errors[0];
      const result: WarmupResult = {
        key: entry.label,
        ok: error === undefined,
        opened,
        durationMs: performance.now() - started,
        error,
      };
      this.#emit('warmup-completed', {
        key: entry.label,
        origin: entry.key.origin,
        proxy: entry.key.proxy?.redacted,
        ok: result.ok,
        opened,
        durationMs: result.durationMs,
        errorCode: error ? errorCode(error) : undefined,
      });
      return result;
    });
    return await Promise.all(runs);
  }

  /** Runs the active health check of (origin, proxy) now, feeding its breaker; creates the dispatcher if needed. */
  async checkHealth(origin: string | URL, options?: RouteOptions): Promise<HealthCheckResult> {
    return await this.#health.check(this.#entry(origin, options?.proxy));
  }

  /**
   * Opens one tunnel through `proxy` to `target` with this pool's TLS options and timeout; resolves
   * `{ ok, latencyMs, error }` (a typed error, no credentials in it) and never throws.
   */
  async testProxy(proxy: string | URL, target: string | URL): Promise<ProxyTestResult> {
    const result = await testProxyWith(proxy, target, this.options);
    let redacted = '[invalid proxy URL]';
    try {
      redacted = this.#keys.resolve(target, proxy).proxy?.redacted ?? redacted;
    } catch {
      // The result already carries the InvalidOptionError.
    }
    this.#emit('proxy-tested', {
      proxy: redacted,
      target: String(target),
      ok: result.ok,
      latencyMs: result.latencyMs,
      errorCode: result.error?.code,
    });
    return result;
  }

  /**
   * A keep-alive Node `http.Agent` for (origin, proxy), for node:http(s)-based clients; cached like dispatchers. Its
   * requests bypass the circuit breaker and the statistics (see the README).
   */
  nodeAgent(origin: string | URL, options?: RouteOptions): http.Agent {
    if (this.#closed) throw new PoolClosedError();
    const key = this.#keys.resolve(origin, options?.proxy);
    let agent = this.#agents.get(key.id);
    if (!agent) {
      agent = createNodeAgent(key, this.options);
      this.#agents.set(key.id, agent);
    }
    return agent;
  }

  /** The statistics of (origin, proxy), or undefined when it has no dispatcher. */
  keyStats(origin: string | URL, options?: RouteOptions): DispatcherStats | undefined {
    return this.#peek(origin, options?.proxy)?.stats();
  }

  /** A snapshot of the whole pool (no credentials anywhere in it). */
  stats(): ConnectionPoolStats {
    const keys = [...this.#entries.values()].map((entry) => entry.stats());
    const circuits: Record<CircuitState, number> = { closed: 0, open: 0, 'half-open': 0 };
    const connections = { open: 0, busy: 0, idle: 0, pending: 0 };
    for (const key of keys) {
      circuits[key.circuit.state] += 1;
      connections.open += key.connections.open;
      connections.busy += key.connections.busy;
      connections.idle += key.connections.idle;
      connections.pending += key.connections.pending;
    }
    const lookups = this.#hits + this.#misses;
    return {
      dispatchers: this.#entries.size,
      maxDispatchers: this.options.maxDispatchers,
      cache: { hits: this.#hits, misses: this.#misses, hitRate: lookups === 0 ? 0 : this.#hits / lookups },
      requests: this.#requests,
      errors: Object.fromEntries(this.#errors),
      circuits,
      connections,
      keys,
    };
  }

  /** Drops dispatchers idle past `dispatcherTtl` and latency samples older than `cleanupInterval` (runs on a timer). */
  cleanup(): void {
    this.#entries.purgeStale();
    this.#agents.purgeStale();
    const oldest = Date.now() - this.options.cleanupInterval;
    for (const entry of this.#entries.values()) entry.pruneStatistics(oldest);
  }

  /** Closes everything gracefully (in-flight requests finish); afterwards no timer or socket of the pool remains. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#health.stop();
    clearInterval(this.#cleanupTimer);
    this.#entries.clear();
    this.#agents.clear();
    await Promise.all(this.#closing);
  }

  #entry(origin: string | URL, proxy: string | URL | undefined): PoolEntry {
    if (this.#closed) throw new PoolClosedError();
    const key = this.#keys.resolve(origin, proxy);
    const cached = this.#entries.get(key.id);
    if (cached !== undefined) {
      this.#hits += 1;
      return cached;
    }
    this.#misses += 1;
    return this.#create(key);
  }

  #peek(origin: string | URL, proxy: string | URL | undefined): PoolEntry | undefined {
    return this.#entries.peek(this.#keys.resolve(origin, proxy).id);
  }

  #create(key: DispatcherKey): PoolEntry {
    const entry = new PoolEntry(key, this.options, {
      emit: (event, payload) => this.#emit(event, payload),
      isObserved: (event) => this.listenerCount(event) > 0 || hasDiagnosticsSubscribers(event),
      onRequest: (outcome) => this.#onRequest(outcome),
      onCircuitTransition: (changed, transition) => this.#onCircuitTransition(changed, transition),
    });
    this.#entries.set(key.id, entry);
    this.#emit('dispatcher-created', { key: key.label, origin: key.origin, proxy: key.proxy?.redacted });
    return entry;
  }

  #onRequest(outcome: RequestOutcome): void {
    this.#requests += 1;
    if (outcome.errorCode !== undefined) this.#countError(outcome.errorCode);
  }

  #countError(code: string): void {
    this.#errors.set(code, (this.#errors.get(code) ?? 0) + 1);
  }

  #onCircuitTransition(entry: PoolEntry, transition: CircuitTransition): void {
    const event: CircuitEvent = {
      key: entry.label,
      origin: entry.key.origin,
      proxy: entry.key.proxy?.redacted,
      ...transition,
    };
    this.#emit(circuitEvents[transition.to], event);
    // Recovery should not wait for live traffic: probe as soon as the circuit half-opens.
    if (transition.to === 'half-open' && this.options.health.active && !this.#closed) void this.#health.check(entry);
    if (transition.to === 'closed') entry.scheduleRefill();
  }

  #onHealthResult(entry: PoolEntry, result: HealthCheckResult): void {
    // Checks aborted by close() say nothing about the route.
    if (this.#closed) return;
    if (result.ok) entry.breaker.recordSuccess();
    else entry.recordFailure(errorCode(result.error));
    this.#emit('health-checked', {
      key: entry.label,
      origin: entry.key.origin,
      proxy: entry.key.proxy?.redacted,
      ok: result.ok,
      latencyMs: result.latencyMs,
      errorCode: result.error ? errorCode(result.error) : undefined,
    });
  }

  #emit<Name extends ConnectionPoolEventName>(event: Name, payload: ConnectionPoolEvents[Name][0]): void {
    // Typed per event through ConnectionPoolEvents; the cast bridges EventEmitter's generic rest-args signature.
    (this.emit as (name: string, value: unknown) => boolean)(event, payload);
    publishDiagnostics(event, payload);
  }
}
