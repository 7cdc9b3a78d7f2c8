import type { KeyLimits } from '@relay/quota';
import type { KeyRecord } from './key-record.js';

/** A change to a stored key: a field left out stays, `null` removes it, a value replaces it. */
export interface KeyPatch {
  userId?: string | null;
  models?: readonly string[] | null;
  expiresAt?: number | null;
  limits?: KeyLimits | null;
}

const patchableFields = ['userId', 'models', 'expiresAt', 'limits'] as const;

/** The record after `patch` (the id, hash and creation time never change). */
export function applyKeyPatch(record: KeyRecord, patch: KeyPatch): KeyRecord {
  const next: Record<string, unknown> = { ...record };
  for (const field of patchableFields) {
    const value = patch[field];
    if (value === null) delete next[field];
    else if (value !== undefined) next[field] = value;
  }
  return next as unknown as KeyRecord;
}
