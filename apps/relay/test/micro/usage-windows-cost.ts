// CPU per upstream answer of reading its usage windows, as the registry does on every answer
// (`AccountRegistry.observeAnswer`), against main's way before the read was gated (parse every answer, assess,
// and with a Redis store build the change key the shared state compares). Four kinds of answer: no rate-limit
// headers, an API-key account's (the standard headers, `remaining` changing on every answer, as the API and the
// mock send them), a subscription account's (the unified headers, stable between answers) and a 429 (always
// read). Answers come 1 ms apart (a busy account) and 100 ms apart (10 a second). Each figure is process CPU time
// (user + system) over many answers, after a warm-up; the lowest of several rounds counts.
//   node apps/relay/test/micro/run.mjs usage-windows-cost.ts [rounds]
import { materialWindowKey } from '../../src/scheduling/shared-account-state.js';
import { readUsageWindows } from '../../src/scheduling/usage-windows.js';
import type { Account } from '../../src/upstream/account.js';
import { AccountRegistry } from '../../src/upstream/account-registry.js';

const rounds = Number(process.argv[2] ?? 7);
const iterations = 200_000;
const started = Date.parse('2026-01-01T00:00:00Z');
const resetText = new Date(started + 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const resetSeconds = String(Math.floor(started / 1000) + 3 * 3600);

// What every answer carries besides the windows, in undici's order (a plain object, as the dispatch handler gets it).
const common = (index: number) => ({
  date: 'Thu, 01 Jan 2026 00:00:00 GMT',
  'content-type': 'application/json',
  'content-length': '412',
  connection: 'keep-alive',
  'request-id': `req_${String(index).padStart(24, '0')}`,
  'anthropic-organization-id': '00000000-0000-0000-0000-000000000000',
});
const standard = (index: number) => ({
  'anthropic-ratelimit-requests-limit': '4000',
  'anthropic-ratelimit-requests-remaining': String(3999 - (index % 4000)),
  'anthropic-ratelimit-requests-reset': resetText,
  'anthropic-ratelimit-input-tokens-limit': '2000000',
  'anthropic-ratelimit-input-tokens-remaining': String(2_000_000 - (index % 4000) * 12),
  'anthropic-ratelimit-input-tokens-reset': resetText,
  'anthropic-ratelimit-output-tokens-limit': '400000',
  'anthropic-ratelimit-output-tokens-remaining': String(400_000 - (index % 4000) * 16),
  'anthropic-ratelimit-output-tokens-reset': resetText,
  'anthropic-ratelimit-tokens-limit': '2400000',
  'anthropic-ratelimit-tokens-remaining': String(2_400_000 - (index % 4000) * 28),
  'anthropic-ratelimit-tokens-reset': resetText,
});
const unified = {
  'anthropic-ratelimit-unified-status': 'allowed',
  'anthropic-ratelimit-unified-reset': resetSeconds,
  'anthropic-ratelimit-unified-5h-status': 'allowed',
  'anthropic-ratelimit-unified-5h-utilization': '0.42',
  'anthropic-ratelimit-unified-5h-reset': resetSeconds,
  'anthropic-ratelimit-unified-7d-status': 'allowed',
  'anthropic-ratelimit-unified-7d-utilization': '0.18',
  'anthropic-ratelimit-unified-7d-reset': String(Math.floor(started / 1000) + 5 * 86_400),
  'anthropic-ratelimit-unified-representative-claim': 'five_hour',
  'anthropic-ratelimit-unified-fallback-percentage': '0.5',
  'anthropic-ratelimit-unified-overage-status': 'rejected',
};
type Headers = Record<string, string>;
const answers: { name: string; statusCode: number; headers: (index: number) => Headers }[] = [
  { name: 'no rate-limit headers', statusCode: 200, headers: common },
  {
    name: 'API-key account (standard)',
    statusCode: 200,
    headers: (index) => ({ ...common(index), ...standard(index) }),
  },
  { name: 'subscription account (unified)', statusCode: 200, headers: (index) => ({ ...common(index), ...unified }) },
  { name: '429 (standard, retry-after)', statusCode: 429, headers: (index) => ({ ...common(index), ...standard(0) }) },
];

// main before the gate: every answer parsed and assessed; with a Redis store also the shared state's change key.
function observeBefore(account: Account, headers: Headers, now: number, shared: boolean): void {
  const windows = readUsageWindows(headers, now);
  account.consecutiveConnectionFailures = 0;
  if (!windows) return;
  account.observeWindows(windows);
  account.assessment(now);
  if (shared) materialWindowKey(windows);
}

const spacings = [1, 100];

// Each call gets the next answer and a clock `spacing` ms later than the previous call's (warm-up included).
function cpuNanosPerAnswer(observe: (headers: Headers, now: number) => void, prepared: Headers[], spacing: number) {
  let now = clock;
  for (let index = 0; index < iterations / 10; index += 1) observe(prepared[index % prepared.length] as Headers, now++);
  globalThis.gc?.();
  const before = process.cpuUsage();
  for (let index = 0; index < iterations; index += 1) {
    now += spacing;
    observe(prepared[index % prepared.length] as Headers, now);
  }
  const used = process.cpuUsage(before);
  clock = now + 1;
  return ((used.user + used.system) * 1000) / iterations;
}
let clock = started;

console.log(`usage windows read per upstream answer, ns of CPU (lowest of ${rounds} rounds):`);
for (const answer of answers) {
  // Headers built beforehand (the relay gets them fresh from undici, so in cache: a few, reused): only the read counts.
  const prepared = Array.from({ length: 64 }, (_, index) => answer.headers(index));
  const figures: Record<string, number> = {};
  const lowest = (name: string, figure: number) => {
    figures[name] = Math.min(figures[name] ?? Number.POSITIVE_INFINITY, figure);
  };
  for (let round = 0; round < rounds; round += 1) {
    for (const spacing of spacings) {
      // A fresh account each time: its first answer is read, as after a start.
      const fresh = () => {
        const registry = new AccountRegistry([{ id: 'a', apiKey: 'sk-ant-a', priority: 0, maxConcurrency: 64 }]);
        return { registry, account: registry.accounts[0] as Account };
      };
      const old = fresh();
      lowest(
        'before',
        cpuNanosPerAnswer((headers, now) => observeBefore(old.account, headers, now, false), prepared, spacing),
      );
      lowest(
        'before, Redis store',
        cpuNanosPerAnswer((headers, now) => observeBefore(old.account, headers, now, true), prepared, spacing),
      );
      const { registry, account } = fresh();
      lowest(
        `after, ${spacing} ms apart`,
        cpuNanosPerAnswer(
          (headers, now) => registry.observeAnswer(account, answer.statusCode, headers, now),
          prepared,
          spacing,
        ),
      );
    }
  }
  const cells = Object.entries(figures).map(([name, figure]) => `${name} ${figure.toFixed(0).padStart(5)} ns`);
  console.log(`  ${answer.name.padEnd(32)} ${cells.join('   ')}`);
}
