import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import type { WrkResult } from '../wrk/wrk-output.js';
import {
  parseProcessStat,
  readAllProcessStats,
  readMachineTicks,
  ticksPerSecond,
  treeCpuSeconds,
} from './proc-stat.js';
import { judgeRound, type RoundCpu, type RoundVerdict } from './round-verdict.js';

/** One load round and the CPU each party spent on it. */
export interface MeasuredRound {
  load: WrkResult;
  cpu: RoundCpu;
  /** CPU seconds of the contender's process tree over the round. */
  contenderCpuSeconds: number;
  /** Contender CPU per answered request, in microseconds. */
  cpuMicrosPerRequest: number;
  /**
   * The upstream's CPU per answered request in the same round (µs): nearly the same work whoever the contender is,
   * so its spread over a run shows how much the machine inflated every process's CPU time.
   */
  upstreamCpuMicrosPerRequest: number;
  verdict: RoundVerdict;
}

interface Snapshot {
  contender: number;
  upstream: number;
  reapedChildren: number;
  machine: { busy: number; total: number };
  at: bigint;
}

// The load generator runs as a child of this process; once it exited and was waited for, its whole CPU time is in
// this process's cutime + cstime, exactly (no sampling of a process that is about to vanish).
async function reapedChildrenSeconds(): Promise<number> {
  const stat = parseProcessStat(await readFile('/proc/self/stat', 'utf8'));
  return (stat.cutime + stat.cstime) / ticksPerSecond;
}

async function snapshot(contenderPid: number, upstreamPid: number): Promise<Snapshot> {
  const [stats, reapedChildren, machine] = await Promise.all([
    readAllProcessStats(),
    reapedChildrenSeconds(),
    readMachineTicks(),
  ]);
  return {
    contender: treeCpuSeconds(contenderPid, stats),
    upstream: treeCpuSeconds(upstreamPid, stats),
    reapedChildren,
    machine,
    at: process.hrtime.bigint(),
  };
}

/**
 * Runs one load (`run`, a wrk process started by this one) and reads /proc before and after: the contender's and
 * the upstream's process trees, wrk's CPU, the machine's. The verdict says whether the contender was the bottleneck.
 */
export async function measureRound(options: {
  contenderPid: number;
  upstreamPid: number;
  run: () => Promise<WrkResult>;
}): Promise<MeasuredRound> {
  const before = await snapshot(options.contenderPid, options.upstreamPid);
  const load = await options.run();
  const after = await snapshot(options.contenderPid, options.upstreamPid);
  const wallSeconds = Number(after.at - before.at) / 1e9;
  const contenderCpuSeconds = after.contender - before.contender;
  const machineTotal = after.machine.total - before.machine.total;
  const cpu: RoundCpu = {
    contenderCores: contenderCpuSeconds / wallSeconds,
    generatorCores: (after.reapedChildren - before.reapedChildren) / wallSeconds,
    upstreamCores: (after.upstream - before.upstream) / wallSeconds,
    machineBusy: machineTotal > 0 ? (after.machine.busy - before.machine.busy) / machineTotal : 0,
    cores: cpus().length,
  };
  return {
    load,
    cpu,
    contenderCpuSeconds,
    cpuMicrosPerRequest: load.requests > 0 ? (contenderCpuSeconds * 1e6) / load.requests : Number.NaN,
    upstreamCpuMicrosPerRequest:
      load.requests > 0 ? ((after.upstream - before.upstream) * 1e6) / load.requests : Number.NaN,
    verdict: judgeRound(cpu),
  };
}
