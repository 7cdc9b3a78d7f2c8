// CPU per request of the body path, before (JSON.parse of the whole body, then the session id from the parse)
// and after (the scanner, then the session id from the raw bytes), on a Claude-Code-shaped body of 76 KB and
// on a 32 MiB body of a million tiny objects. Garbage collection is included: each figure is process CPU time
// (user + system) over many iterations, after a warm-up; the lowest of several rounds counts.
//   node apps/relay/test/micro/run.mjs body-cost.ts [rounds]
import { createHash } from 'node:crypto';
import { scanBody } from '../../src/http/body-scanner.js';
import { identifySession } from '../../src/sessions/session-id.js';
import { claudeCodeBody } from '../fixtures/claude-code-body.js';

const rounds = Number(process.argv[2] ?? 5);

// The session id as main computed it from the parsed document (src/sessions/session-id.ts before the scanner).
function sessionFromDocument(body: unknown, clientId: string): string {
  const { metadata, system, messages } = (body ?? {}) as {
    metadata?: { user_id?: unknown };
    system?: unknown;
    messages?: unknown;
  };
  const userId = metadata?.user_id;
  if (typeof userId === 'string' && userId.startsWith('{')) {
    const sessionId = (JSON.parse(userId) as { session_id?: unknown }).session_id;
    if (typeof sessionId === 'string') return sessionId;
  }
  const textOf = (content: unknown) =>
    typeof content === 'string'
      ? content
      : Array.isArray(content)
        ? content.map((block) => String((block as { text?: unknown }).text ?? '')).join('\n')
        : '';
  const hash = createHash('sha256').update(clientId).update('\0').update(textOf(system)).update('\0');
  if (Array.isArray(messages) && messages.length > 0)
    hash.update(textOf((messages[0] as { content?: unknown }).content));
  return hash.digest('hex');
}

const before = (raw: Buffer) => sessionFromDocument(JSON.parse(raw.toString('utf8')), 'client');
const after = (raw: Buffer) => identifySession(undefined, { raw, fields: scanBody(raw) }, 'client').id;

function cpuMicrosPerCall(run: (raw: Buffer) => unknown, raw: Buffer, iterations: number): number {
  for (let index = 0; index < Math.max(1, iterations / 10); index += 1) run(raw);
  globalThis.gc?.();
  const started = process.cpuUsage();
  for (let index = 0; index < iterations; index += 1) run(raw);
  const used = process.cpuUsage(started);
  return (used.user + used.system) / iterations;
}

const claudeCode = claudeCodeBody();
const tinyObjects = Buffer.from(`{"model":"m","x":[${'{},'.repeat(Math.floor((32 * 1024 * 1024) / 3) - 10)}{}]}`);
const cases = [
  {
    name: `Claude Code body (${(claudeCode.length / 1024).toFixed(0)} KiB)`,
    raw: claudeCode,
    iterations: 2_000,
    unit: 'µs',
  },
  {
    name: `tiny objects (${(tinyObjects.length / 1024 / 1024).toFixed(0)} MiB)`,
    raw: tinyObjects,
    iterations: 2,
    unit: 'ms',
  },
];
console.log(`body path, CPU per request (lowest of ${rounds} rounds):`);
for (const { name, raw, iterations, unit } of cases) {
  let lowestBefore = Number.POSITIVE_INFINITY;
  let lowestAfter = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round += 1) {
    lowestBefore = Math.min(lowestBefore, cpuMicrosPerCall(before, raw, iterations));
    lowestAfter = Math.min(lowestAfter, cpuMicrosPerCall(after, raw, iterations));
  }
  const scale = unit === 'ms' ? 1_000 : 1;
  console.log(
    `  ${name.padEnd(30)} JSON.parse (before) ${(lowestBefore / scale).toFixed(1).padStart(8)} ${unit}   ` +
      `scanner (after) ${(lowestAfter / scale).toFixed(1).padStart(8)} ${unit}   ${(lowestBefore / lowestAfter).toFixed(1)}×`,
  );
}
