import type { RelayConfig } from '../config/config-schema.js';
import { startRelay } from '../relay.js';

/**
 * Starts the relay and, on SIGTERM or SIGINT, shuts it down gracefully. A second signal cuts the requests
 * still in flight, but the process still flushes the session store before it exits. A repeat within
 * `repeatWindowMs` of the first is the same signal twice: a worker of `--workers N` gets a terminal's Ctrl-C
 * both directly (it shares the primary's process group) and passed on by the primary.
 */
export async function serveUntilSignal(config: RelayConfig, options: { repeatWindowMs?: number } = {}): Promise<void> {
  const relay = await startRelay(config);
  let firstSignalAt: number | undefined;
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
