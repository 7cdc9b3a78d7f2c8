import type { RelayConfig } from '../config/config-schema.js';
import { startRelay } from '../relay.js';

/**
 * Starts the relay and, on SIGTERM or SIGINT, shuts it down gracefully. A second signal cuts the requests
 * still in flight, but the process still flushes the session store before it exits.
 */
export async function serveUntilSignal(config: RelayConfig): Promise<void> {
  const relay = await startRelay(config);
  let signals = 0;
  await new Promise<void>((resolveSignal) => {
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals === 1) {
        relay.logger.info({ signal }, 'shutting down: no new connections, in-flight requests may finish');
        resolveSignal();
        return;
      }
      relay.logger.warn({ signal }, 'shutting down now: closing in-flight requests, then flushing the session store');
      void relay.close({ force: true });
    };
    // Listeners stay for the whole shutdown: without one, a second signal would kill the process unflushed.
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  await relay.close();
}
