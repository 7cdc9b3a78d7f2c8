import { describe, expect, it } from 'vitest';
import { judgeClaim, seedClaims } from './claims.js';
import { BenchSetupError } from './errors.js';

describe('judgeClaim', () => {
  it('converts time units before comparing with the claimed bound', () => {
    expect(judgeClaim('session-create-memory', 4_999, 'µs/op')).toEqual({ text: '< 5 ms', beaten: true });
    expect(judgeClaim('session-create-memory', 5_001_000, 'ns/op')).toEqual({ text: '< 5 ms', beaten: false });
    expect(judgeClaim('connection-create-proxied', 0.05, 's')).toEqual({ text: '< 100 ms', beaten: true });
    expect(judgeClaim('session-lookup', 1.2, 'ms')).toMatchObject({ beaten: false });
  });

  it('converts size units, KB being 1024 bytes', () => {
    expect(judgeClaim('memory-per-connection', 2048, 'bytes/connection')).toEqual({ text: '~2 KB', beaten: true });
    expect(judgeClaim('memory-per-connection', 2.1, 'KB')).toMatchObject({ beaten: false });
    expect(judgeClaim('redis-bytes-per-session', 801, 'B')).toEqual({ text: '~800 B', beaten: false });
  });

  it('refuses a unit of the wrong dimension', () => {
    expect(() => judgeClaim('session-lookup', 10, 'bytes')).toThrow(BenchSetupError);
    expect(() => judgeClaim('memory-per-session', 10, 'ms')).toThrow(/memory-per-session/);
  });

  it('holds every figure of the seed document', () => {
    expect(Object.values(seedClaims).map((claim) => claim.text)).toEqual([
      '< 10 ms',
      '< 100 ms',
      '< 1 ms',
      '~2 KB',
      '< 5 ms',
      '< 20 ms',
      '< 1 ms',
      '~1.3 KB',
      '~800 B',
    ]);
  });
});
