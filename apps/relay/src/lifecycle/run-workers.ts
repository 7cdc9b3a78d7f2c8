import cluster, { type Worker } from 'node:cluster';
import { reloadedConfig } from '../config/config-diff.js';
import type { RelayConfig } from '../config/config-schema.js';
import { decideRestart, type RestartPolicy } from './restart-policy.js';
import { offerConfig } from './worker-config.js';

/**
 * Runs `count` relay processes sharing one port (node:cluster), each given `config` over IPC. A worker that
 * dies unexpectedly is replaced after a back-off; after `policy.maxCrashes` crashes in `policy.windowMs` the
 * primary stops the others and resolves with 1. SIGTERM/SIGINT are passed on to every worker (a second one
 * too: the workers then cut their in-flight requests), and the primary resolves with 0 once they all exited.
 * SIGHUP is passed on to every worker that has its config: each asks the primary to re-read the file with
 * `reloadConfig` (as it does when it gets a SIGHUP of its own) and applies it; a worker started later gets the
 * accounts and clients of the last good reload.
 */
export async function runWorkers(
  count: number,
  config: RelayConfig,
  policy: RestartPolicy,
  reloadConfig: () => RelayConfig,
): Promise<number> {
  let stopping = false;
  let exitCode = 0;
  let current = config;
  const crashTimes: number[] = [];
  const restartTimers = new Set<NodeJS.Timeout>();
  // Workers that asked for their config have their SIGHUP handler: a signal before it would end them.
  const configured = new Set<Worker>();
  const reload = () => {
    const next = reloadConfig();
    current = reloadedConfig(current, next);
    return next;
  };
  const fork = (): Worker => {
    const worker = cluster.fork();
    offerConfig(worker, {
      current: () => {
        configured.add(worker);
        return current;
      },
      reload,
    });
    return worker;
  };
  // Installed before any worker exists: SIGHUP's default action would end the primary.
  process.on('SIGHUP', () => {
    if (stopping) return;
    try {
      reload();
    } catch {
      // Each worker asks again and logs why the file is refused.
    }
    for (const worker of configured) {
      if (!worker.isDead()) worker.process.kill('SIGHUP');
    }
  });
  for (let index = 0; index < count; index += 1) fork();

  return await new Promise((resolve) => {
    const stopAll = (signal: NodeJS.Signals) => {
      stopping = true;
      for (const timer of restartTimers) clearTimeout(timer);
      restartTimers.clear();
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
      if (Object.keys(cluster.workers ?? {}).length === 0) resolve(exitCode);
    };
    process.on('SIGTERM', () => stopAll('SIGTERM'));
    process.on('SIGINT', () => stopAll('SIGTERM'));
    cluster.on('exit', (worker, code, signal) => {
      configured.delete(worker);
      if (!stopping) {
        const now = Date.now();
        crashTimes.push(now);
        const decision = decideRestart(crashTimes, now, policy);
        if (decision.action === 'give-up') {
          console.error(
            `relay: worker ${worker.process.pid} exited (${signal ?? code}); ${decision.crashes} crashes within ${policy.windowMs} ms: giving up`,
          );
          exitCode = 1;
          stopAll('SIGTERM');
          return;
        }
        console.error(
          `relay: worker ${worker.process.pid} exited (${signal ?? code}); starting another in ${decision.delayMs} ms`,
        );
        const timer = setTimeout(() => {
          restartTimers.delete(timer);
          if (!stopping) fork();
        }, decision.delayMs);
        restartTimers.add(timer);
        return;
      }
      if (Object.keys(cluster.workers ?? {}).length === 0) resolve(exitCode);
    });
  });
}
