import { BenchSetupError } from './errors.js';

/** A figure the seed document claimed, as an upper bound in a base unit (milliseconds or bytes). */
export interface SeedClaim {
  readonly text: string;
  readonly limit: number;
  readonly dimension: 'time' | 'size';
}

/** Every figure the seed document claimed. Scenarios attach them to their rows with `judgeClaim`. */
export const seedClaims = {
  'connection-create-direct': { text: '< 10 ms', limit: 10, dimension: 'time' },
  'connection-create-proxied': { text: '< 100 ms', limit: 100, dimension: 'time' },
  'dispatcher-cache-hit': { text: '< 1 ms', limit: 1, dimension: 'time' },
  'memory-per-connection': { text: '~2 KB', limit: 2 * 1024, dimension: 'size' },
  'session-create-memory': { text: '< 5 ms', limit: 5, dimension: 'time' },
  'session-create-persisted': { text: '< 20 ms', limit: 20, dimension: 'time' },
  'session-lookup': { text: '< 1 ms', limit: 1, dimension: 'time' },
  'memory-per-session': { text: '~1.3 KB', limit: 1.3 * 1024, dimension: 'size' },
  'redis-bytes-per-session': { text: '~800 B', limit: 800, dimension: 'size' },
} as const satisfies Record<string, SeedClaim>;

export type SeedClaimId = keyof typeof seedClaims;

const millisecondsPer: Record<string, number> = { ns: 1e-6, µs: 1e-3, us: 1e-3, ms: 1, s: 1000 };
const bytesPer: Record<string, number> = {
  b: 1,
  byte: 1,
  bytes: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
};

/**
 * The `claim` of a row: the seed's text and whether `value` (in `unit`, e.g. `µs/op`, `ms`, `bytes/session`)
 * beats it, i.e. is at or under the claimed bound.
 */
export function judgeClaim(id: SeedClaimId, value: number, unit: string): { text: string; beaten: boolean } {
  const claim: SeedClaim = seedClaims[id];
  const base = unit.split('/')[0]?.trim() ?? '';
  const factor = claim.dimension === 'time' ? millisecondsPer[base] : bytesPer[base.toLowerCase()];
  if (factor === undefined) {
    throw new BenchSetupError(`claim "${id}" is a ${claim.dimension}; cannot compare it with a value in "${unit}"`);
  }
  return { text: claim.text, beaten: value * factor <= claim.limit };
}
