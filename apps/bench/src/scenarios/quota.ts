import { createRelayMetrics } from '@relay/metrics';
import {
  emptyUsage,
  KeyAdmission,
  MemoryQuotaBackend,
  QuotaLimiter,
  UsageBilling,
  UsageLedger,
} from '@relay/server/quota';
import { startMockUpstream } from '../contenders/mock-upstream.js';
import { alternateRounds, summarize } from '../measure.js';
import { keyLimitCases, measureSessionTraffic } from '../relay/session-traffic.js';
import type { Scenario, ScenarioContext } from '../scenario.js';
import { findWrk } from '../wrk/run-wrk.js';

const sizes = (quick: boolean) => (quick ? { iterations: 20_000, rounds: 3 } : { iterations: 200_000, rounds: 12 });

// Every kind of limit on one key, each far above what the loop spends: the check stays local (no lease).
const limits = {
  requestsPerMinute: 1e12,
  tokensPerMinute: 1e12,
  concurrency: 1000,
  budgets: [
    { usd: 1e6, window: 'day' as const },
    { usd: 1e6, window: '5h' as const },
  ],
};
const models = ['claude-opus-4-6', 'claude-sonnet-4-5-20250929', 'claude-haiku-4-5'];
const accounts = Array.from({ length: 10 }, (_, index) => `account-${index}`);

/** CPU µs per call of `body`, over `iterations` calls (CPU time of this thread: it holds on a shared machine). */
async function cpuMicroseconds(iterations: number, body: (index: number) => void | Promise<void>): Promise<number> {
  const started = process.cpuUsage();
  for (let index = 0; index < iterations; index += 1) await body(index);
  const used = process.cpuUsage(started);
  return (used.user + used.system) / iterations;
}

const scenario: Scenario = {
  name: 'quota',
  description:
    "the relay's per-request cost of client key limits and the usage ledger: in process, the limit check (admit + settle, 5 limits on the key) and the ledger record (pricing, the ledger row, the key's metrics); under wrk, Redis commands per relayed request (hybrid store) with the key's limits off and on",
  async run(context) {
    await measureInProcess(context);
    if (!context.redisUrl) context.note?.('hybrid store rows skipped: no Redis');
    else if (!findWrk()) context.note?.('hybrid store rows skipped: wrk is not on PATH');
    else {
      context.progress('starting the mock upstream');
      const mock = await startMockUpstream();
      try {
        const [off, on] = keyLimitCases.map((trafficCase) => trafficCase.name);
        const measured = await measureSessionTraffic(
          context,
          mock.origin,
          context.redisUrl,
          context.quick ? 1 : 5,
          keyLimitCases,
        );
        const without = measured.get(off as string);
        const limited = measured.get(on as string);
        if (without !== undefined && limited !== undefined) {
          context.report({
            name: 'Redis commands per request added by the key limits (limits on − off, 1 session, same run)',
            value: limited - without,
            unit: 'commands/req',
          });
        }
      } finally {
        await mock.stop();
      }
    }
  },
};

/** The limit check and the ledger record, CPU µs per request, alternating rounds. */
async function measureInProcess(context: ScenarioContext): Promise<void> {
  const size = sizes(context.quick);
  const backend = new MemoryQuotaBackend();
  // The relay's own composition and defaults (quota.leaseFraction 0.1, a ledger sync per second).
  const limiter = new QuotaLimiter({ backend, leaseFraction: 0.1 });
  const ledger = new UsageLedger({ backend, syncIntervalMs: 1000 });
  const metrics = createRelayMetrics({ defaultMetrics: false, evaluationIntervalMs: false });
  const admission = new KeyAdmission(limiter, metrics);
  const billing = new UsageBilling(ledger, metrics);
  const used = { tokens: 1150, costMicroUsd: 1350 };
  const usage = {
    ...emptyUsage(),
    input: 120,
    output: 300,
    cacheRead: 600,
    cacheCreation: 130,
    cacheWrite5m: 100,
    cacheWrite1h: 30,
    cacheBreakdown: true,
  };
  try {
    const check = () =>
      cpuMicroseconds(size.iterations, async () => {
        (await admission.admit('bench-key', limits)).settle(used);
      });
    const record = () =>
      cpuMicroseconds(size.iterations, (index) => {
        billing.bill({
          clientId: 'bench-key',
          accountId: accounts[index % accounts.length] as string,
          model: models[index % models.length] as string,
          usage,
          incomplete: false,
        });
      });
    // Warm-up: JIT, and the key's first leases.
    await check();
    await record();
    let round = 0;
    const rounds = await alternateRounds(
      {
        check: async () => {
          round += 1;
          context.progress(`quota: round ${round}/${size.rounds}`);
          return await check();
        },
        record,
      },
      size.rounds,
    );
    const report = (name: string, values: number[]) => {
      const summary = summarize(values);
      const rounded = (value: number) => Math.round(value * 1000) / 1000;
      context.report({
        name,
        value: rounded(summary.p50),
        unit: 'µs CPU/op',
        p50: rounded(summary.p50),
        p99: rounded(summary.p99),
        min: rounded(summary.min),
        max: rounded(summary.max),
      });
    };
    report('limit check of a key with 5 limits (KeyAdmission.admit + settle, shares leased, no I/O)', rounds.check);
    report('ledger record of an answered request (price, ledger row, key metrics; no I/O)', rounds.record);
    context.note?.('a key without limits skips the check: the request path reads `client.limits` and goes on');
  } finally {
    await limiter.close();
    await ledger.close();
    await backend.close();
    metrics.close();
  }
}

export default scenario;
