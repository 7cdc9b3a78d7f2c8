import type { Worker } from 'node:cluster';
import type { RelayConfig } from '../config/config-schema.js';

// The config (secrets included) goes to a worker over the cluster's IPC channel on the worker's request,
// never through its environment, where every process of the same user could read it in /proc/<pid>/environ.
const configRequest = 'relay-config-request';
const configReply = 'relay-config';

/** In the primary: answers the worker's request for the relay's config. */
export function offerConfig(worker: Worker, config: RelayConfig): void {
  worker.on('message', (message: unknown) => {
    // With a callback, a worker that died meanwhile is no 'error' event that could crash the primary.
    if ((message as { type?: unknown })?.type === configRequest)
      worker.send({ type: configReply, config }, undefined, () => {});
  });
}

/** In a worker: asks the primary for the relay's config (the one it validated, after --demo and key creation). */
export function requestConfig(): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      if ((message as { type?: unknown })?.type !== configReply) return;
      process.off('message', onMessage);
      resolve((message as { config: unknown }).config);
    };
    process.on('message', onMessage);
    process.send?.({ type: configRequest });
  });
}
