/** The CPU each party of one load round used, from /proc, over the round's wall time. */
export interface RoundCpu {
  /** The contender's process tree: CPU seconds per wall second (1 = one full core). */
  contenderCores: number;
  /** The load generator (wrk). */
  generatorCores: number;
  /** The mock upstream's process. */
  upstreamCores: number;
  /** The share of all the machine's cores that was busy (0..1), whoever used it. */
  machineBusy: number;
  /** The machine's core count, for the reason text. */
  cores: number;
}

/**
 * What a round measured: `valid`, every figure stands; `cpu-only`, the machine was saturated, so req/s and latency
 * were the machine's, not the contender's, but CPU per request still holds (the contender kept its 32 requests in
 * flight and spent what it spent on each); `refused`, the load generator or the upstream set the pace, nothing stands.
 */
export type RoundVerdict =
  | { kind: 'valid' }
  | { kind: 'cpu-only'; reason: string }
  | { kind: 'refused'; reason: string };

/** A process at this share of one core is taken to be the bottleneck: Node and wrk -t1 are one thread each. */
export const fullCore = 0.9;
/** The machine is taken to be saturated at this share of all its cores. */
export const saturatedMachine = 0.95;

const percent = (share: number) => `${Math.round(share * 100)} %`;

/**
 * The bottleneck rule: a round is refused when the load generator or the upstream mock, not the contender, set its
 * pace (either near a full core). Its req/s and latency are refused (`cpu-only`) when the machine was saturated while
 * the contender was below a full core: it waited for CPU rather than working. A round whose contender was at a full
 * core stands whole even on a busy machine: the contender itself was the limit.
 */
export function judgeRound(cpu: RoundCpu): RoundVerdict {
  if (cpu.generatorCores >= fullCore)
    return { kind: 'refused', reason: `the load generator (wrk) used ${percent(cpu.generatorCores)} of a core` };
  if (cpu.upstreamCores >= fullCore)
    return { kind: 'refused', reason: `the mock upstream used ${percent(cpu.upstreamCores)} of a core` };
  if (cpu.machineBusy >= saturatedMachine && cpu.contenderCores < fullCore)
    return {
      kind: 'cpu-only',
      reason:
        `the machine was saturated (${percent(cpu.machineBusy)} of ${cpu.cores} cores busy) while the contender ` +
        `used ${percent(cpu.contenderCores)} of a core`,
    };
  return { kind: 'valid' };
}
