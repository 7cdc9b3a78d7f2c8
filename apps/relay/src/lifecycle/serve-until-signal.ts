import type { RelayConfig } from '../config/config-schema.js';
import { flushOnCrash } from '../logger.js';
import { startRelay } from '../relay.js';
import { reloadOnHangup } from './reload-on-hangup.js';

export interface ServeOptions {
  /** A repeat of SIGTERM/SIGINT within this many ms of the first is the same signal twice (see below). */
  repeatWindowMs?: number;
  /** Re-reads and validates the config, for SIGHUP (`reloadOnHangup`); throws the loader's ConfigError. */
  reloadConfig(): Promise<RelayConfig>;
}

/**
 * Starts the relay (on `config`, or the config it resolves to) and, on SIGTERM or SIGINT, shuts it down
 * gracefully; SIGHUP reloads the config. A second SIGTERM/SIGINT cuts the requests still in flight, but the
 * process still flushes the session store before it exits. A repeat within `repeatWindowMs` of the first is the
 * same signal twice: a worker of `--workers N` gets a terminal's Ctrl-C both directly (it shares the primary's
 * process group) and passed on by the primary.
 */
export async function serveUntilSignal(
  config: RelayConfig | Promise<RelayConfig>,
  options: ServeOptions,
): Promise<void> {
  let firstSignalAt: number | undefined;
  const starting = Promise.resolve(config).then((resolved) => startRelay(resolved));
  // Listening for SIGHUP before anything is awaited: its default action would end the process.
  reloadOnHangup(starting, options.reloadConfig, () => firstSignalAt !== undefined);
  const relay = await starting;
  flushOnCrash(relay.logger);
  await new Promise<void>((resolveSignal) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (firstSignalAt === undefined) {
        firstSignalAt = performance.now();
        relay.logger.info({ signal }, 'shutting down: no new connections, in-flight requests may finish');
        resolveSignal();
        return;
      }
      if (performance.now() - firstSignalAt < (options.repeatWindowMs ?? 0)) return;
      relay.logger.warn({ signal }, 'shutting down now: closing in-flight requests, then flushing the session store');
      void relay.close({ force: true });
    };
    // Listeners stay for the whole shutdown: without one, a second signal would kill the process unflushed.
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  await relay.close();
}
