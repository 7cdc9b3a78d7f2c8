import { type Dispatcher, Pool } from 'undici';
import { CircuitBreaker, type CircuitTransition } from './circuit-breaker.js';
import type { DispatcherKey } from './dispatcher-key.js';
import { CircuitOpenError, errorCode } from './errors.js';
import type { ConnectionPoolEventName, ConnectionPoolEvents, KeyEventBase } from './events.js';
import type { HealthCheckTarget } from './health-checker.js';
import { LatencyWindow } from './latency-window.js';
import { createOutcomeInterceptor, type OutcomeRecorder, type RequestOutcome } from './outcome-interceptor.js';
import type { ResolvedPoolOptions } from './pool-options.js';
import { createSocketConnector, type SocketConnector } from './socket-connector.js';
import type { DispatcherStats } from './stats.js';
import { type FillResult, WarmSocketReserve } from './warm-socket-reserve.js';

/** How an entry reports events to its ConnectionPool. */
export type EntryEmit = <Name extends keyof ConnectionPoolEvents>(
  event: Name,
  payload: ConnectionPoolEvents[Name][0],
) => void;

/** What an entry tells its ConnectionPool besides events. */
export interface EntryHooks {
  emit: EntryEmit;
  /** Whether anyone listens to the event (a listener or a diagnostics channel subscriber). */
  isObserved(event: ConnectionPoolEventName): boolean;
  /** A request ended: for the pool-wide totals. */
  onRequest(outcome: RequestOutcome): void;
  onCircuitTransition(entry: PoolEntry, transition: CircuitTransition): void;
}

// Errors that are the caller's or the pool's own doing: they say nothing about the route's health.
const notRouteFailures = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_RES_EXCEEDED_MAX_SIZE',
  'UND_ERR_DESTROYED',
  'UND_ERR_CLOSED',
]);

// Warm keys refill their reserve at most this often, so that a server closing idle sockets at once cannot spin us.
const minimumRefillInterval = 1_000;

/**
 * Everything the pool holds for one key: the undici Pool (composed with the outcome interceptor), its connector,
 * the warm socket reserve, the circuit breaker and the statistics.
 */
export class PoolEntry implements HealthCheckTarget, OutcomeRecorder {
  readonly key: DispatcherKey;
  readonly label: string;
  readonly url: URL;
  readonly connector: SocketConnector;
  readonly pool: Pool;
  /** What callers get: the pool behind the outcome interceptor. */
  readonly dispatcher: Dispatcher;
  readonly breaker: CircuitBreaker;
  readonly countServerErrors: boolean;
  readonly #options: ResolvedPoolOptions;
  readonly #hooks: EntryHooks;
  readonly #reserve: WarmSocketReserve;
  readonly #latency: LatencyWindow;
  readonly #errors = new Map<string, number>();
  readonly #eventBase: KeyEventBase;
  #requests = 0;
  #highWater = 0;
  #reserveHandoffs = 0;
  #warm = false;
  #closed = false;
  #lastRefill = 0;
  #refillTimer: NodeJS.Timeout | undefined;
  #lastUsedAt = Date.now();

  constructor(key: DispatcherKey, options: ResolvedPoolOptions, hooks: EntryHooks) {
    this.key = key;
    this.label = key.label;
    this.url = key.url;
    this.#options = options;
    this.#hooks = hooks;
    this.#eventBase = { key: key.label, origin: key.origin, proxy: key.proxy?.redacted };
    this.countServerErrors = options.health.countServerErrors;
    this.#latency = new LatencyWindow(options.latencySamples);
    this.connector = createSocketConnector(key, options);
    const countingConnector: SocketConnector = (connectOptions, callback) => {
      this.connector(connectOptions, (error, socket) => {
        if (error) {
          this.#hooks.emit('connection-errored', {
            ...this.#eventBase,
            errorCode: errorCode(error),
            message: error.message,
          });
          callback(error, null);
        } else callback(null, socket);
      });
    };
    this.#reserve = new WarmSocketReserve(countingConnector, key.url, () => {
      this.#hooks.emit('connection-closed', { ...this.#eventBase, open: this.openConnections, errorCode: undefined });
      this.scheduleRefill();
    });
    this.breaker = new CircuitBreaker(options.health, (transition) => hooks.onCircuitTransition(this, transition));
    this.pool = new Pool(key.origin, {
      connections: options.connections.max,
      keepAliveTimeout: options.keepAliveTimeout,
      // Server Keep-Alive hints may shorten our timeout, never lengthen it.
      keepAliveMaxTimeout: options.keepAliveTimeout,
      headersTimeout: options.headersTimeout,
      bodyTimeout: options.bodyTimeout,
      connect: (connectOptions, callback) => {
        const reserved = this.#reserve.take();
        if (reserved) {
          this.#reserveHandoffs += 1;
          // undici expects its connector to answer asynchronously (a synchronous answer re-enters its resume loop).
          process.nextTick(callback, null, reserved);
        } else countingConnector(connectOptions, callback);
      },
    });
    this.pool.on('connect', () => {
      // A socket from the reserve was counted as opened when the reserve got it.
      if (this.#reserveHandoffs > 0) this.#reserveHandoffs -= 1;
      else this.#opened();
    });
    this.pool.on('disconnect', (_origin, _targets, error) => {
      this.#hooks.emit('connection-closed', {
        ...this.#eventBase,
        open: this.openConnections,
        errorCode: errorCode(error),
      });
      this.scheduleRefill();
    });
    this.dispatcher = this.pool.compose(createOutcomeInterceptor(this));
  }

  /** Sockets open for this key: connected in the pool plus held in the warm reserve. */
  get openConnections(): number {
    return this.pool.stats.connected + this.#reserve.size;
  }

  /** Whether this key keeps `connections.min` sockets open. */
  get warm(): boolean {
    return this.#warm;
  }

  /** When a request last went through (ms since the epoch). */
  get lastUsedAt(): number {
    return this.#lastUsedAt;
  }

  /** OutcomeRecorder: lets a request through unless the circuit refuses it. */
  admit(): Error | undefined {
    if (this.breaker.tryAcquire()) return undefined;
    return new CircuitOpenError(this.label, this.breaker.retryAt ?? Date.now());
  }

  /** OutcomeRecorder: books one request's outcome into the statistics, the breaker and the events. */
  complete(outcome: RequestOutcome): void {
    const now = Date.now();
    this.#lastUsedAt = now;
    this.#requests += 1;
    if (outcome.errorCode !== undefined)
      this.#errors.set(outcome.errorCode, (this.#errors.get(outcome.errorCode) ?? 0) + 1);
    if (outcome.outcome !== 'rejected') this.#latency.record(outcome.durationMs, now);
    if (outcome.outcome === 'success') this.breaker.recordSuccess();
    else if (outcome.outcome === 'failure') this.recordFailure(outcome.errorCode ?? 'UNKNOWN');
    else if (outcome.outcome === 'aborted') this.breaker.release();
    this.#hooks.onRequest(outcome);
    // Every request passes here: build the event only for someone who listens.
    if (this.#hooks.isObserved('request-completed')) {
      this.#hooks.emit('request-completed', { ...this.#eventBase, ...outcome });
    }
  }

  /** Counts a failure against the circuit, unless it is the caller's or the pool's own doing. */
  recordFailure(code: string): void {
    if (notRouteFailures.has(code)) this.breaker.release();
    else this.breaker.recordFailure(code);
  }

  /** Marks the key warm and opens sockets up to `connections.min` (TCP + TLS), resolving when they are open. */
  async warmUp(): Promise<FillResult> {
    this.#warm = true;
    return await this.#refill();
  }

  /** Refills a warm key's reserve soon (at most once a second). */
  scheduleRefill(): void {
    if (!this.#warm || this.#closed || this.#refillTimer) return;
    const wait = Math.max(0, this.#lastRefill + minimumRefillInterval - Date.now());
    this.#refillTimer = setTimeout(() => {
      this.#refillTimer = undefined;
      void this.#refill();
    }, wait);
    this.#refillTimer.unref();
  }

  /** Drops latency samples that ended before `oldest`. */
  pruneStatistics(oldest: number): void {
    this.#latency.prune(oldest);
  }

  /** The statistics of this key. */
  stats(): DispatcherStats {
    const pool = this.pool.stats;
    const reserved = this.#reserve.size;
    return {
      ...this.#eventBase,
      warm: this.#warm,
      connections: {
        open: pool.connected + reserved,
        // `running`, not `connected - free`: undici marks a socket free only a loop turn after its response ends.
        busy: pool.running,
        idle: Math.max(0, pool.connected - pool.running) + reserved,
        pending: pool.pending,
        reserved,
        highWater: this.#highWater,
        min: this.#options.connections.min,
        max: this.#options.connections.max,
      },
      requests: this.#requests,
      errors: Object.fromEntries(this.#errors),
      circuit: this.breaker.snapshot(),
      latency: this.#latency.summary(),
      lastUsedAt: this.#lastUsedAt,
    };
  }

  /** Closes gracefully: in-flight requests finish, reserved sockets close, timers stop. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#refillTimer);
    this.breaker.dispose();
    this.#reserve.close();
    await this.pool.close();
  }

  async #refill(): Promise<FillResult> {
    this.#lastRefill = Date.now();
    if (this.#closed || this.breaker.state === 'open') return { opened: 0, errors: [] };
    const deficit =
      this.#options.connections.min - (this.pool.stats.connected + this.#reserve.size + this.#reserve.opening);
    if (deficit <= 0) return { opened: 0, errors: [] };
    const opening = this.#reserve.fill(deficit);
    const result = await opening;
    for (let index = 0; index < result.opened; index += 1) this.#opened();
    const firstError = result.errors[0];
    if (firstError) this.recordFailure(errorCode(firstError));
    return result;
  }

  #opened(): void {
    const open = this.openConnections;
    if (open > this.#highWater) this.#highWater = open;
    this.#hooks.emit('connection-opened', { ...this.#eventBase, open });
  }
}
