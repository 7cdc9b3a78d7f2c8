// The cost of the per-request `request completed` line, for each way of writing it: CPU per line of the event
// loop's thread (from /proc) and of the whole process (every thread: libuv's pool, a transport's worker), less
// the same loop without the line. Each mode runs in a fresh process, several times; the lowest figure counts.
//   node apps/relay/test/micro/run.mjs log-line-cost.ts [lines] [runs]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import { summaryLogger } from '../../src/http/request-log.js';
import { createLogger } from '../../src/logger.js';

const modes = {
  'no line (the loop alone)': () => undefined,
  'serialising only, no write': () => pino({ level: 'info' }, { write: () => {} }),
  'sync destination (before)': (file: string) => pino({ level: 'info' }, pino.destination({ dest: file, sync: true })),
  'transport (pino/file worker)': (file: string) =>
    pino({ level: 'info' }, pino.transport({ target: 'pino/file', options: { destination: file } })),
  'async destination, maxWrite 16384': (file: string) =>
    pino({ level: 'info' }, pino.destination({ dest: file, sync: false, maxWrite: 16384 })),
  'async destination, maxWrite 4096': (file: string) =>
    pino({ level: 'info' }, pino.destination({ dest: file, sync: false, maxWrite: 4096 })),
  'async destination, maxWrite 1024': (file: string) =>
    pino({ level: 'info' }, pino.destination({ dest: file, sync: false, maxWrite: 1024 })),
  'createLogger (after)': (file: string) => createLogger('info', { file }),
} satisfies Record<string, (file: string) => Logger | undefined>;
type Mode = keyof typeof modes;

// Lines written per event-loop turn: a relay under load answers a few requests per turn.
const linesPerTurn = 16;

/** CPU microseconds the event loop's thread (the main thread: its id is the pid) used so far. */
function mainThreadMicros(): number {
  const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** One measurement in this process: CPU microseconds per line, of the main thread and of every thread. */
async function measure(mode: Mode, lines: number): Promise<{ main: number; all: number }> {
  const directory = mkdtempSync(join(tmpdir(), 'relay-log-cost-'));
  const logger = modes[mode](join(directory, 'relay.log'));
  const summary = logger && summaryLogger(logger);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const cpuBefore = process.cpuUsage();
  const mainBefore = mainThreadMicros();
  for (let written = 0; written < lines; ) {
    for (let index = 0; index < linesPerTurn && written < lines; index += 1, written += 1) {
      summary?.info(
        { reqId: `req_${written}`, method: 'POST', url: '/v1/messages', status: 200, client: 'alice', ms: 12 },
        'request completed',
      );
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (logger) await new Promise<void>((resolve) => logger.flush(() => resolve()));
  // A transport's flush only hands the lines to its worker: give the worker time to write them.
  if (mode === 'transport (pino/file worker)') await new Promise((resolve) => setTimeout(resolve, 500));
  const cpu = process.cpuUsage(cpuBefore);
  const main = mainThreadMicros() - mainBefore;
  rmSync(directory, { recursive: true, force: true });
  return { main: main / lines, all: (cpu.user + cpu.system) / lines };
}

const [first, second, third] = process.argv.slice(2);
if (first === '--child') {
  process.stdout.write(JSON.stringify(await measure(second as Mode, Number(third))));
  process.exit(0);
}
const lines = Number(first ?? 100_000);
const runs = Number(second ?? 3);
const self = fileURLToPath(import.meta.url);
const lowest: Record<string, { main: number; all: number }> = {};
for (let run = 0; run < runs; run += 1) {
  for (const mode of Object.keys(modes) as Mode[]) {
    const child = spawnSync(process.execPath, [self, '--child', mode, String(lines)], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`${mode}: ${child.stderr}`);
    const { main, all } = JSON.parse(child.stdout) as { main: number; all: number };
    const best = lowest[mode] ?? { main: Number.POSITIVE_INFINITY, all: Number.POSITIVE_INFINITY };
    lowest[mode] = { main: Math.min(best.main, main), all: Math.min(best.all, all) };
  }
}
const loop = lowest['no line (the loop alone)'] ?? { main: 0, all: 0 };
console.log(`${lines} lines, ${linesPerTurn} per event-loop turn, lowest of ${runs} runs; µs of CPU per line:`);
console.log(`  ${'mode'.padEnd(34)} event loop   all threads`);
for (const mode of Object.keys(modes) as Mode[]) {
  if (mode === 'no line (the loop alone)') continue;
  const { main, all } = lowest[mode] ?? loop;
  console.log(
    `  ${mode.padEnd(34)} ${(main - loop.main).toFixed(2).padStart(10)}   ${(all - loop.all).toFixed(2).padStart(11)}`,
  );
}
