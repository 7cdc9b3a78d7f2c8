import type { KeyLimits } from '@relay/quota';
import type { Client, ClientSource } from '../auth/client-registry.js';
import { isKeyExpired } from './key-expiry.js';

/** A client key as the admin API shows it: never the key, never its hash. Times are ISO 8601. */
export interface KeyView {
  id: string;
  /** `store`: created at runtime, changeable through the API; `config`, `state`: read-only here. */
  source: ClientSource;
  userId?: string;
  models?: readonly string[];
  expiresAt?: string;
  expired: boolean;
  limits?: KeyLimits;
  /** Requests in flight at once per relay process. */
  maxConcurrency: number;
  createdAt?: string;
  lastUsedAt?: string;
  /** The limiter's view of the usage against each limit, when the relay has one (`GET /admin/keys/:id`). */
  usage?: unknown;
}

/** The admin API's view of a client. */
export function keyView(client: Client, times: { createdAt?: number; lastUsedAt?: number }, now: number): KeyView {
  return {
    id: client.id,
    source: client.source ?? 'config',
    ...(client.userId !== undefined ? { userId: client.userId } : {}),
    ...(client.models ? { models: client.models } : {}),
    ...(client.expiresAt !== undefined ? { expiresAt: iso(client.expiresAt) } : {}),
    expired: isKeyExpired(client.expiresAt, now),
    ...(client.limits ? { limits: client.limits } : {}),
    maxConcurrency: client.maxConcurrency,
    ...(times.createdAt !== undefined ? { createdAt: iso(times.createdAt) } : {}),
    ...(times.lastUsedAt !== undefined ? { lastUsedAt: iso(times.lastUsedAt) } : {}),
  };
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
