import cluster, { type Worker } from 'node:cluster';

/**
 * Runs `count` relay processes sharing one port (node:cluster). A worker that dies unexpectedly is replaced;
 * SIGTERM/SIGINT are passed on to every worker, and the primary resolves with 0 once they all exited.
 */
export async function runWorkers(count: number, environment: Record<string, string>): Promise<number> {
  let stopping = false;
  const fork = (): Worker => cluster.fork(environment);
  for (let index = 0; index < count; index += 1) fork();

  return await new Promise((resolve) => {
    const onSignal = () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    cluster.on('exit', (worker, code, signal) => {
      if (!stopping) {
        console.error(`relay: worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
        fork();
        return;
      }
      if (Object.keys(cluster.workers ?? {}).length === 0) resolve(0);
    });
  });
}
