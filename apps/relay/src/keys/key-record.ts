import type { KeyLimits } from '@relay/quota';
import { z } from 'zod';
import type { Client } from '../auth/client-registry.js';
import { clientSchema, keyLimitsSchema, modelPatternSchema } from '../config/config-schema.js';

/** A client key in the key store: never the key itself, only its SHA-256 hash. Times are epoch ms. */
export interface KeyRecord {
  readonly id: string;
  readonly keyHash: string;
  readonly userId?: string;
  /** Model patterns the key may use (`*` matches any run of characters); absent: every model. */
  readonly models?: readonly string[];
  readonly expiresAt?: number;
  readonly limits?: KeyLimits;
  readonly createdAt: number;
  /** When the key was last used, as last written (at most once a minute per key). */
  readonly lastUsedAt?: number;
}

/** Requests in flight at once per process for a key of the store (a config key sets its own `maxConcurrency`). */
export const storedKeyConcurrency = 32;

const epochMs = z.number().int().nonnegative().max(8.64e15);

/** A key id: as the config's `clients[].id`. */
export const keyIdSchema = clientSchema.shape.id;

// Records come from a shared Redis or a file anyone with access may edit: every field is checked again.
export const keyRecordSchema = z.object({
  id: keyIdSchema,
  keyHash: z.string().regex(/^[0-9a-f]{64}$/),
  userId: z.string().min(1).max(200).optional(),
  models: z.array(modelPatternSchema).min(1).max(64).optional(),
  expiresAt: epochMs.optional(),
  limits: keyLimitsSchema.optional(),
  createdAt: epochMs,
  lastUsedAt: epochMs.optional(),
});

/** The client the request path sees for a stored key. */
export function clientOfRecord(record: KeyRecord): Client {
  return {
    id: record.id,
    keyHash: record.keyHash,
    userId: record.userId,
    maxConcurrency: storedKeyConcurrency,
    ...(record.models ? { models: record.models } : {}),
    ...(record.expiresAt !== undefined ? { expiresAt: record.expiresAt } : {}),
    ...(record.limits ? { limits: record.limits } : {}),
    source: 'store',
  };
}

/** A record as stored: no `lastUsedAt` (it lives beside the record, written on its own schedule). */
export function withoutLastUsed(record: KeyRecord): KeyRecord {
  const { lastUsedAt: _lastUsedAt, ...rest } = record;
  return rest;
}
