import { describe, expect, it } from 'vitest';
import { parseBenchArguments } from './args.js';
import { BenchArgumentError } from './errors.js';

describe('parseBenchArguments', () => {
  it('defaults to every scenario, full length, no files', () => {
    expect(parseBenchArguments([])).toEqual({
      scenarios: [],
      quick: false,
      jsonFile: undefined,
      markdownFile: undefined,
      scenariosDirectory: undefined,
      list: false,
      help: false,
    });
  });

  it('reads scenarios, --quick, --json, --md and --scenarios-dir in any order, without repeating a scenario', () => {
    const parsed = parseBenchArguments([
      'pool',
      '--json',
      'out/results.json',
      'sessions',
      '--quick',
      '--md=out/report.md',
      'pool',
      '--scenarios-dir',
      'fixtures',
    ]);
    expect(parsed).toMatchObject({
      scenarios: ['pool', 'sessions'],
      quick: true,
      jsonFile: 'out/results.json',
      markdownFile: 'out/report.md',
      scenariosDirectory: 'fixtures',
    });
  });

  it('reads --help, -h and --list', () => {
    expect(parseBenchArguments(['-h']).help).toBe(true);
    expect(parseBenchArguments(['--help']).help).toBe(true);
    expect(parseBenchArguments(['--list']).list).toBe(true);
  });

  it('rejects an unknown option with the usage', () => {
    expect(() => parseBenchArguments(['--fast'])).toThrow(BenchArgumentError);
    expect(() => parseBenchArguments(['--fast'])).toThrow(/--fast[\s\S]*Usage: relay-bench/);
  });

  it('rejects --json without a path and an empty path', () => {
    expect(() => parseBenchArguments(['--json'])).toThrow(BenchArgumentError);
    expect(() => parseBenchArguments(['--md', ''])).toThrow(/--md needs a non-empty path/);
  });

  it('gives its errors the stable code', () => {
    try {
      parseBenchArguments(['--quick=yes']);
      expect.unreachable();
    } catch (error) {
      expect((error as BenchArgumentError).code).toBe('RELAY_ERR_BENCH_ARGUMENT');
    }
  });
});
