import type { KeyLimits } from '@relay/quota';
import type { ClientConfig } from '../config/config-schema.js';
import { hashClientKey } from './client-key.js';
import type { Client } from './client-registry.js';

/** The clients of the config file as the registry holds them (source `config`): only the keys' digests. */
export function clientsFromConfig(configured: readonly ClientConfig[]): Client[] {
  return configured.map(
    (client): Client => ({
      id: client.id,
      keyHash: client.keyHash ?? hashClientKey(client.key as string),
      userId: client.userId,
      maxConcurrency: client.maxConcurrency,
      ...(client.models ? { models: client.models } : {}),
      ...(client.expiresAt !== undefined ? { expiresAt: epochMs(client.expiresAt) } : {}),
      ...(client.limits ? { limits: client.limits as KeyLimits } : {}),
      source: 'config',
    }),
  );
}

/** An `expiresAt` of the config: epoch ms, or an ISO 8601 date-time. */
function epochMs(value: string | number): number {
  return typeof value === 'number' ? value : Date.parse(value);
}
