import type { RelayConfig } from '../config/config-schema.js';
import type { Relay } from '../relay.js';

/**
 * From now on, every SIGHUP re-reads the config with `readConfig` and applies it to the relay once it runs, one
 * reload at a time. A config that cannot be read or fails validation is refused as a whole: the loader's error
 * (the field, or the line and column) is logged and the running config kept. SIGHUP no longer ends the process
 * (its default action), also before the relay listens and while it shuts down (`isStopping`: nothing reloads).
 */
export function reloadOnHangup(
  relay: Promise<Relay>,
  readConfig: () => Promise<RelayConfig>,
  isStopping: () => boolean,
): void {
  let queue: Promise<void> = Promise.resolve();
  const reloadOnce = async () => {
    const running = await relay.catch(() => undefined);
    if (!running || isStopping()) return;
    running.logger.info({ signal: 'SIGHUP' }, 'reloading the config');
    let next: RelayConfig;
    try {
      next = await readConfig();
    } catch (error) {
      running.logger.error(
        { error: (error as Error).message },
        'config reload refused: the file is not a valid config; the running config is kept',
      );
      return;
    }
    try {
      await running.reload(next);
    } catch (error) {
      running.logger.error({ error: (error as Error).message }, 'config reload failed');
    }
  };
  process.on('SIGHUP', () => {
    queue = queue.then(reloadOnce);
  });
}
