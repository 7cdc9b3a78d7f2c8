import { describe, expect, it } from 'vitest';
import { parseMachineStat, parseProcessStat, readAllProcessStats, treeCpuSeconds } from './proc-stat.js';

// A real line of /proc/<pid>/stat (a node process), then one whose command holds spaces and parentheses.
const nodeLine =
  '4242 (node) S 4200 4242 4200 0 -1 4194560 21510 1120 0 0 1234 567 89 10 20 0 11 0 44775 1120000000 25000 ' +
  '18446744073709551615 1 1 0 0 0 0 0 16781312 134234626 0 0 0 17 1 0 0 0 0 0';
const oddLine = `77 (a (b) c) R 1 77 77 0 -1 4194304 97 0 0 0 5 6 7 8 20 0 1 0 44775 3133440 359 0 0 0 0`;

describe('parseProcessStat', () => {
  it.each([
    [nodeLine, { pid: 4242, command: 'node', ppid: 4200, utime: 1234, stime: 567, cutime: 89, cstime: 10 }],
    [oddLine, { pid: 77, command: 'a (b) c', ppid: 1, utime: 5, stime: 6, cutime: 7, cstime: 8 }],
  ])('reads pid, command, ppid and the four times of %#', (line, expected) => {
    expect(parseProcessStat(line)).toEqual(expected);
  });

  it.each(['', 'garbage', '12 (cut'])('refuses %j with an error', (line) => {
    expect(() => parseProcessStat(line)).toThrow(/stat/);
  });
});

describe('parseMachineStat', () => {
  it('counts all but idle and iowait as busy', () => {
    const text = 'cpu  100 5 50 800 20 3 2 1 0 0\ncpu0 50 2 25 400 10 1 1 0 0 0\nintr 0\n';
    expect(parseMachineStat(text)).toEqual({ busy: 161, total: 981 });
  });

  it('refuses a file without the aggregate line', () => {
    expect(() => parseMachineStat('cpu0 1 2 3 4\n')).toThrow(/cpu/);
  });
});

describe('treeCpuSeconds', () => {
  const stat = (pid: number, ppid: number, ticks: number) =>
    ({ pid, ppid, command: 'node', utime: ticks, stime: 0, cutime: 0, cstime: 0 }) as const;

  it('sums the root, its workers and their children, and nothing else', () => {
    const stats = [stat(10, 1, 100), stat(11, 10, 50), stat(12, 10, 25), stat(13, 11, 5), stat(20, 1, 999)];
    expect(treeCpuSeconds(10, stats)).toBe(1.8);
  });

  it('counts reaped children through the parent', () => {
    expect(treeCpuSeconds(10, [{ ...stat(10, 1, 100), cutime: 30, cstime: 20 }])).toBe(1.5);
  });

  it('is 0 for a process that is gone', () => {
    expect(treeCpuSeconds(99, [stat(10, 1, 100)])).toBe(0);
  });

  it('reads this very process from /proc', async () => {
    const stats = await readAllProcessStats();
    expect(stats.find((entry) => entry.pid === process.pid)?.ppid).toBe(process.ppid);
  });
});
