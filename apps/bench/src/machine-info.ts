import { arch, availableParallelism, cpus, loadavg, platform, release, totalmem } from 'node:os';

/** The machine a run measured on: a figure means little without it. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  platform: string;
  arch: string;
  osRelease: string;
  nodeVersion: string;
  /** When the run started (ISO 8601). */
  date: string;
  /** 1, 5 and 15 minute load averages when the run started: other work on the machine makes figures noisy. */
  loadAverage: number[];
}

/** Reads the machine info of this process's host. */
export function collectMachineInfo(date = new Date()): MachineInfo {
  const processors = cpus();
  return {
    cpuModel: processors[0]?.model.trim() || 'unknown',
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    platform: platform(),
    arch: arch(),
    osRelease: release(),
    nodeVersion: process.version,
    date: date.toISOString(),
    loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

/** One line for people, e.g. `AMD EPYC, 2 cores, 8.0 GiB, linux x64 (6.1), Node v20.20.2, load 0.12 0.30 0.25`. */
export function describeMachine(machine: MachineInfo): string {
  const gibibytes = (machine.memoryBytes / 1024 ** 3).toFixed(1);
  const load = machine.loadAverage ? `, load ${machine.loadAverage.join(' ')}` : '';
  return `${machine.cpuModel}, ${machine.cores} cores, ${gibibytes} GiB, ${machine.platform} ${machine.arch} (${machine.osRelease}), Node ${machine.nodeVersion}${load}`;
}
