import type { Worker } from 'node:cluster';
import { ConfigError } from '../config/config-error.js';
import type { RelayConfig } from '../config/config-schema.js';

// The config (secrets included) goes to a worker over the cluster's IPC channel on the worker's request,
// never through its environment, where every process of the same user could read it in /proc/<pid>/environ.
const configRequest = 'relay-config-request';
const configReply = 'relay-config';
// A worker's SIGHUP: the primary re-reads the config file and answers with it, or with why it is refused.
const reloadRequest = 'relay-config-reload-request';
const reloadReply = 'relay-config-reloaded';

/** Where the primary gets the config it gives its workers. */
export interface ConfigSource {
  /** The config a worker starts with. */
  current(): RelayConfig;
  /** Re-reads and validates the config file for a worker's reload; throws the loader's error. */
  reload(): RelayConfig;
}

/** In the primary: answers the worker's requests for the relay's config, at its start and for each reload. */
export function offerConfig(worker: Worker, source: ConfigSource): void {
  worker.on('message', (message: unknown) => {
    const type = (message as { type?: unknown })?.type;
    // With a callback, a worker that died meanwhile is no 'error' event that could crash the primary.
    if (type === configRequest) worker.send({ type: configReply, config: source.current() }, undefined, () => {});
    if (type === reloadRequest) {
      const id = (message as { id?: unknown }).id;
      let reply: { type: string; id: unknown; config?: RelayConfig; error?: string };
      try {
        reply = { type: reloadReply, id, config: source.reload() };
      } catch (error) {
        reply = { type: reloadReply, id, error: (error as Error).message };
      }
      worker.send(reply, undefined, () => {});
    }
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

let reloadRequests = 0;

/** In a worker: asks the primary to re-read the config file; rejects with a ConfigError when it is refused. */
export function requestReloadedConfig(): Promise<unknown> {
  reloadRequests += 1;
  const id = reloadRequests;
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      const reply = message as { type?: unknown; id?: unknown; config?: unknown; error?: unknown };
      if (reply?.type !== reloadReply || reply.id !== id) return;
      process.off('message', onMessage);
      if (typeof reply.error === 'string') reject(new ConfigError(reply.error));
      else resolve(reply.config);
    };
    process.on('message', onMessage);
    process.send?.({ type: reloadRequest, id });
  });
}
