import { describe, expect, it } from 'vitest';
import { FaultScript } from './fault-script.js';

describe('fault script', () => {
  it('uses unscoped faults in order, each for its number of requests', () => {
    const script = new FaultScript();
    script.add({ kind: 'overloaded' }, { times: 2 });
    script.add({ kind: 'reset-before-headers' });
    const kinds = [1, 2, 3, 4].map(() => script.take('any', '/v1/messages')?.kind);
    expect(kinds).toEqual(['overloaded', 'overloaded', 'reset-before-headers', undefined]);
    expect(script.pending).toBe(0);
  });

  it("matches a key's faults before unscoped ones, and keeps them until cleared", () => {
    const script = new FaultScript();
    script.add({ kind: 'overloaded' });
    script.add({ kind: 'stall' }, { apiKey: 'k1' });
    expect(script.take('k1', '/v1/messages')?.kind).toBe('stall');
    expect(script.take('k2', '/v1/messages')?.kind).toBe('overloaded');
    expect(script.take('k1', '/v1/messages')?.kind).toBe('stall');
    expect(script.take(undefined, '/v1/messages')).toBeUndefined();
    script.clear();
    expect(script.take('k1', '/v1/messages')).toBeUndefined();
  });

  it('matches the path when the scope names one', () => {
    const script = new FaultScript();
    script.add({ kind: 'overloaded' }, { path: '/v1/messages', times: Number.POSITIVE_INFINITY });
    expect(script.take('k', '/')).toBeUndefined();
    expect(script.take('k', '/v1/messages')?.kind).toBe('overloaded');
    expect(script.take('k', '/v1/messages')?.kind).toBe('overloaded');
  });
});
