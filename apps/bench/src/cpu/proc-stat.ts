import { readdir, readFile } from 'node:fs/promises';

/**
 * Linux exports every /proc CPU figure in USER_HZ ticks, which the kernel fixes at 100 per second whatever the
 * scheduler's own HZ (see proc(5): "sysconf(_SC_CLK_TCK)"; it is 100 on every architecture Node runs on).
 */
export const ticksPerSecond = 100;

/** The fields of one `/proc/<pid>/stat` line the bench reads (times in ticks). */
export interface ProcessStat {
  pid: number;
  command: string;
  ppid: number;
  /** User and system time of the process itself. */
  utime: number;
  stime: number;
  /** User and system time of its children that exited and were waited for. */
  cutime: number;
  cstime: number;
}

/** Parses `/proc/<pid>/stat` (proc(5)); the command may hold spaces and parentheses, so it ends at the last `)`. */
export function parseProcessStat(text: string): ProcessStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc/<pid>/stat line: ${JSON.stringify(text.slice(0, 80))}`);
  // After ") ": field 3 (state) is rest[0], so field N is rest[N - 3].
  const rest = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const field = (number: number): number => {
    const value = Number(rest[number - 3]);
    if (!Number.isInteger(value)) throw new Error(`/proc/<pid>/stat field ${number} is not an integer`);
    return value;
  };
  return {
    pid: Number(text.slice(0, open).trim()),
    command: text.slice(open + 1, close),
    ppid: field(4),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
  };
}

/** CPU ticks of the whole machine from the `cpu` line of `/proc/stat`: busy (all but idle and iowait) and total. */
export interface MachineTicks {
  busy: number;
  total: number;
}

/** Parses the aggregate `cpu ` line of `/proc/stat` (proc(5)); guest time is already inside user and nice. */
export function parseMachineStat(text: string): MachineTicks {
  const line = text.split('\n').find((candidate) => candidate.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no aggregate "cpu" line');
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
    .slice(4)
    .trim()
    .split(/\s+/)
    .map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/**
 * CPU seconds of a process and every live descendant (a contender with workers), each with the time of its
 * reaped children: a child that exited counts once, in its parent's `cutime`.
 */
export function treeCpuSeconds(root: number, stats: readonly ProcessStat[]): number {
  const children = new Map<number, ProcessStat[]>();
  for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  let ticks = 0;
  const queue = stats.filter((stat) => stat.pid === root);
  for (let process = queue.shift(); process; process = queue.shift()) {
    ticks += process.utime + process.stime + process.cutime + process.cstime;
    queue.push(...(children.get(process.pid) ?? []));
  }
  return ticks / ticksPerSecond;
}

/** Every process's stat line that can still be read (processes come and go while /proc is listed). */
export async function readAllProcessStats(): Promise<ProcessStat[]> {
  const names = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const stats = await Promise.all(
    names.map((name) =>
      readFile(`/proc/${name}/stat`, 'utf8').then(
        (text) => parseProcessStat(text),
        () => undefined,
      ),
    ),
  );
  return stats.filter((stat): stat is ProcessStat => stat !== undefined);
}

export async function readMachineTicks(): Promise<MachineTicks> {
  return parseMachineStat(await readFile('/proc/stat', 'utf8'));
}

/** Whether this machine has the /proc files the CPU figures come from (Linux). */
export async function hasProcStat(): Promise<boolean> {
  return readFile('/proc/self/stat', 'utf8').then(
    () => true,
    () => false,
  );
}
