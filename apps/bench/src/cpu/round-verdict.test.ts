import { describe, expect, it } from 'vitest';
import { judgeRound, type RoundCpu, type RoundVerdict } from './round-verdict.js';

const calm: RoundCpu = { contenderCores: 0.97, generatorCores: 0.3, upstreamCores: 0.5, machineBusy: 0.9, cores: 2 };

const valid: RoundVerdict = { kind: 'valid' };
const refused = (reason: string): RoundVerdict => ({ kind: 'refused', reason });
const cpuOnly = (reason: string): RoundVerdict => ({ kind: 'cpu-only', reason });

describe('judgeRound (the bottleneck rule)', () => {
  it.each<[string, Partial<RoundCpu>, RoundVerdict]>([
    ['the contender at a full core, the others below', {}, valid],
    ['wrk at 90 % of a core', { generatorCores: 0.9 }, refused('the load generator (wrk) used 90 % of a core')],
    ['wrk at 89 % of a core', { generatorCores: 0.89 }, valid],
    ['the mock at 95 % of a core', { upstreamCores: 0.95 }, refused('the mock upstream used 95 % of a core')],
    ['the mock at 85 % of a core', { upstreamCores: 0.85 }, valid],
    [
      'the mock at a full core on a saturated machine: refused, not CPU only',
      { upstreamCores: 0.95, machineBusy: 1, contenderCores: 0.5 },
      refused('the mock upstream used 95 % of a core'),
    ],
    [
      'wrk and the mock both saturated: wrk is named first',
      { generatorCores: 1, upstreamCores: 1 },
      refused('the load generator (wrk) used 100 % of a core'),
    ],
    [
      'the machine saturated, the contender starved: CPU per request only',
      { machineBusy: 0.99, contenderCores: 0.6 },
      cpuOnly('the machine was saturated (99 % of 2 cores busy) while the contender used 60 % of a core'),
    ],
    ['the machine saturated, but the contender at a full core', { machineBusy: 1, contenderCores: 0.95 }, valid],
    ['the machine at 94 %, the contender below a core', { machineBusy: 0.94, contenderCores: 0.6 }, valid],
    ['a contender with workers above one core', { contenderCores: 1.7, machineBusy: 1 }, valid],
  ])('%s', (_case, change, verdict) => {
    expect(judgeRound({ ...calm, ...change })).toEqual(verdict);
  });
});
