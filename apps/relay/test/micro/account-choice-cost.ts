// CPU per request of the account choice the reload touches: `acquire` (the scheduler's pass over every usable
// account, a new session each time) then `release`, over 8 accounts. Process CPU time over many iterations after
// a warm-up; the lowest of several rounds counts.
//   node apps/relay/test/micro/run.mjs account-choice-cost.ts [rounds]
import { AccountRegistry } from '../../src/upstream/account-registry.js';

const rounds = Number(process.argv[2] ?? 5);
const iterations = 1_000_000;
const registry = new AccountRegistry(
  Array.from({ length: 8 }, (_, index) => ({
    id: `account-${index}`,
    apiKey: `sk-${index}`,
    priority: index % 2,
    maxConcurrency: 64,
  })),
);
const none = new Set<string>();

function once(): void {
  registry.acquire(undefined, none)?.release();
}

for (let index = 0; index < iterations / 10; index += 1) once();
let best = Number.POSITIVE_INFINITY;
for (let round = 0; round < rounds; round += 1) {
  globalThis.gc?.();
  const started = process.cpuUsage();
  for (let index = 0; index < iterations; index += 1) once();
  const used = process.cpuUsage(started);
  best = Math.min(best, ((used.user + used.system) * 1000) / iterations);
}
console.log(`acquire + release, 8 accounts: ${best.toFixed(0)} ns per request (best of ${rounds})`);
