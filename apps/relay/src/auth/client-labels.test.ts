import { describe, expect, it } from 'vitest';
import { ClientLabels, labelsToAdd } from './client-labels.js';
import type { ClientSource } from './client-registry.js';

const clients = (...entries: Array<[string, ClientSource | undefined]>) =>
  entries.map(([id, source]) => (source ? { id, source } : { id }));

describe('labelsToAdd', () => {
  it.each([
    {
      case: 'a config key is always named',
      named: [],
      runtimeNamed: 2,
      added: clients(['team', 'config']),
      max: 2,
      expected: { ids: ['team'], runtimeNamed: 2, leftOut: [] },
    },
    {
      case: 'a key without a source is a config key',
      named: [],
      runtimeNamed: 2,
      added: clients(['team', undefined]),
      max: 2,
      expected: { ids: ['team'], runtimeNamed: 2, leftOut: [] },
    },
    {
      case: 'store and state keys are named while there is room',
      named: ['team'],
      runtimeNamed: 0,
      added: clients(['made-1', 'store'], ['made-2', 'state']),
      max: 3,
      expected: { ids: ['made-1', 'made-2'], runtimeNamed: 2, leftOut: [] },
    },
    {
      case: 'past the bound a runtime key is left out (reported as other)',
      named: ['made-1'],
      runtimeNamed: 1,
      added: clients(['made-2', 'store'], ['made-3', 'store']),
      max: 2,
      expected: { ids: ['made-2'], runtimeNamed: 2, leftOut: ['made-3'] },
    },
    {
      case: 'an id already named costs nothing, whatever its source now',
      named: ['made-1', 'team'],
      runtimeNamed: 1,
      added: clients(['made-1', 'store'], ['team', 'store']),
      max: 1,
      expected: { ids: [], runtimeNamed: 1, leftOut: [] },
    },
    {
      case: 'an id listed twice is counted once',
      named: [],
      runtimeNamed: 0,
      added: clients(['made-1', 'store'], ['made-1', 'store'], ['made-2', 'store']),
      max: 2,
      expected: { ids: ['made-1', 'made-2'], runtimeNamed: 2, leftOut: [] },
    },
    {
      case: 'a config key past the bound is named all the same',
      named: ['made-1'],
      runtimeNamed: 1,
      added: clients(['made-2', 'store'], ['team', 'config']),
      max: 1,
      expected: { ids: ['team'], runtimeNamed: 1, leftOut: ['made-2'] },
    },
  ])('$case', ({ named, runtimeNamed, added, max, expected }) => {
    expect(labelsToAdd({ named: new Set(named), runtimeNamed }, added, max)).toEqual(expected);
  });
});

describe('ClientLabels', () => {
  it('hands the whole list on only when it grows, and says once that the bound was reached', () => {
    const applied: string[][] = [];
    const full: string[] = [];
    const labels = new ClientLabels({
      maxRuntimeLabels: 1,
      allow: (ids) => applied.push([...ids]),
      onFull: (id) => full.push(id),
    });
    labels.add(clients(['team', 'config'], ['made-1', 'store']));
    labels.add(clients(['made-1', 'store']));
    labels.add(clients(['made-2', 'store']));
    labels.add(clients(['made-3', 'state']));
    labels.add(clients(['other-team', 'config']));
    expect(applied).toEqual([
      ['team', 'made-1'],
      ['team', 'made-1', 'other-team'],
    ]);
    expect(full).toEqual(['made-2']);
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new ClientLabels({ maxRuntimeLabels: 0, allow: () => {} })).toThrow('maxRuntimeLabels');
  });
});
