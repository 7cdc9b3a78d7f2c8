import type { Dispatcher } from 'undici';
import { HealthCheckStatusError, HealthCheckTimeoutError } from './errors.js';
import type { HealthProbeOptions } from './pool-options.js';
import { openSocket, type SocketConnector } from './socket-connector.js';

/** What a health check needs of a key. */
export interface HealthCheckTarget {
  readonly label: string;
  readonly url: URL;
  readonly connector: SocketConnector;
  /** The key's raw pool (not the composed one: probes bypass the breaker and the request statistics). */
  readonly pool: Dispatcher;
}

/** How one check went. */
export interface HealthCheckResult {
  ok: boolean;
  latencyMs: number;
  error: Error | undefined;
}

export interface HealthCheckerOptions {
  interval: number;
  timeout: number;
  probe: HealthProbeOptions | undefined;
}

/**
 * Active health checks: every `interval`, each target gets one check (a fresh connect + TLS handshake through its
 * route, or the configured HTTP probe over its pool), bounded by `timeout`. A target never has two checks at once.
 */
export class HealthChecker<Target extends HealthCheckTarget> {
  readonly #options: HealthCheckerOptions;
  readonly #targets: () => Iterable<Target>;
  readonly #onResult: (target: Target, result: HealthCheckResult) => void;
  readonly #inFlight = new WeakMap<Target, Promise<HealthCheckResult>>();
  readonly #running = new Set<AbortController>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    options: HealthCheckerOptions,
    targets: () => Iterable<Target>,
    onResult: (target: Target, result: HealthCheckResult) => void,
  ) {
    this.#options = options;
    this.#targets = targets;
    this.#onResult = onResult;
  }

  /** Starts the interval (unref'd: it never keeps the process alive). */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      for (const target of this.#targets()) void this.check(target);
    }, this.#options.interval);
    this.#timer.unref();
  }

  /** Stops the interval and aborts the checks running now (so that closing a pool does not wait for them). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const abort of this.#running) abort.abort(new Error('health checks stopped'));
  }

  /** Checks one target now (joins the running check if there is one) and reports the result. */
  check(target: Target): Promise<HealthCheckResult> {
    const running = this.#inFlight.get(target);
    if (running) return running;
    const check = this.#run(target).then((result) => {
      this.#inFlight.delete(target);
      this.#onResult(target, result);
      return result;
    });
    this.#inFlight.set(target, check);
    return check;
  }

  async #run(target: Target): Promise<HealthCheckResult> {
    const started = performance.now();
    const abort = new AbortController();
    this.#running.add(abort);
    let timer: NodeJS.Timeout | undefined;
    const aborted = new Promise<never>((_, reject) => {
      abort.signal.addEventListener('abort', () => reject(abort.signal.reason), { once: true });
    });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new HealthCheckTimeoutError(target.label, this.#options.timeout);
        abort.abort(error);
        reject(error);
      }, this.#options.timeout);
      timer.unref();
    });
    try {
      await Promise.race([this.#probe(target, abort.signal), timeout, aborted]);
      return { ok: true, latencyMs: performance.now() - started, error: undefined };
    } catch (error) {
      return { ok: false, latencyMs: performance.now() - started, error: error as Error };
    } finally {
      clearTimeout(timer);
      this.#running.delete(abort);
    }
  }

  async #probe(target: Target, signal: AbortSignal): Promise<void> {
    const probe = this.#options.probe;
    if (probe) {
      const response = await target.pool.request({
        origin: target.url.origin,
        path: probe.path,
        method: (probe.method ?? 'HEAD') as Dispatcher.HttpMethod,
        headers: probe.headers ?? {},
        signal,
      });
      await response.body.dump();
      if (response.statusCode >= 500) throw new HealthCheckStatusError(target.label, response.statusCode);
      return;
    }
    const socket = openSocket(target.connector, target.url);
    // A late socket (after the timeout fired) is closed as soon as it arrives.
    signal.addEventListener(
      'abort',
      () =>
        socket.then(
          (late) => late.destroy(),
          () => {},
        ),
      { once: true },
    );
    (await socket).destroy();
  }
}
