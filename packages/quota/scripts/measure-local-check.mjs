#!/usr/bin/env node
// Measures the local limit check: `tryAdmit` + `settle` on a warm key whose shares are leased (no I/O), with a
// request rate, a token rate, a concurrency cap and two budgets on. Run after `pnpm build`:
//   node packages/quota/scripts/measure-local-check.mjs
import { MemoryQuotaBackend, QuotaLimiter } from '../dist/index.js';

const limiter = new QuotaLimiter({ backend: new MemoryQuotaBackend(), leaseFraction: 1 });
const limits = {
  requestsPerMinute: 1e12,
  tokensPerMinute: 1e12,
  concurrency: 1000,
  budgets: [
    { usd: 1e6, window: 'day' },
    { usd: 1e6, window: '5h' },
  ],
};
const used = { tokens: 1150, costMicroUsd: 1350 };
await limiter.admit('key', limits);

function run(count) {
  let admitted = 0;
  for (let index = 0; index < count; index += 1) {
    const verdict = limiter.tryAdmit('key', limits);
    if (verdict?.allowed) {
      admitted += 1;
      verdict.settle(used);
    }
  }
  return admitted;
}

run(200_000); // warm-up: JIT
const rounds = [];
for (let round = 0; round < 5; round += 1) {
  const count = 1_000_000;
  const started = process.hrtime.bigint();
  const admitted = run(count);
  const elapsed = Number(process.hrtime.bigint() - started);
  if (admitted !== count) throw new Error(`only ${admitted} of ${count} admitted: a share ran out`);
  rounds.push(elapsed / count);
}
rounds.sort((left, right) => left - right);
console.log(
  `local check (tryAdmit + settle, 5 limits): median ${rounds[2].toFixed(0)} ns, best ${rounds[0].toFixed(0)} ns per request (5 × 1e6)`,
);
await limiter.close();
