import { AccountRegistry } from '@relay/server/scheduling';
import { alternateRounds, summarize } from '../measure.js';
import type { Scenario } from '../scenario.js';

const sizes = (quick: boolean) => (quick ? { iterations: 20_000, rounds: 3 } : { iterations: 200_000, rounds: 12 });

/** 50 accounts in two priority tiers; half report subscription windows, a few are warned or nearly spent. */
function registryOf(count: number): AccountRegistry {
  const registry = new AccountRegistry(
    Array.from({ length: count }, (_, index) => ({
      id: `account-${index}`,
      apiKey: `sk-ant-bench-${index}`,
      priority: index % 2,
      maxConcurrency: 64,
    })),
  );
  const now = Date.now();
  const reset = String(Math.floor(now / 1000) + 3600);
  for (const [index, account] of registry.accounts.entries()) {
    account.inFlight = index % 5;
    for (let session = 0; session < index % 7; session += 1) registry.bindSession(`${account.id}-${session}`, account);
    if (index % 2 === 0) {
      registry.observeAnswer(
        account,
        200,
        {
          'anthropic-ratelimit-unified-status': index % 10 === 0 ? 'allowed_warning' : 'allowed',
          'anthropic-ratelimit-unified-5h-utilization': String((index % 20) / 20),
          'anthropic-ratelimit-unified-5h-reset': reset,
        },
        now,
      );
    }
  }
  return registry;
}

const scenario: Scenario = {
  name: 'scheduler',
  description: "the relay's choice of an account for a new session (ns of CPU per choice), 50 accounts",
  async run(context) {
    const size = sizes(context.quick);
    const registry = registryOf(50);
    const excluded = new Set<string>();
    let sink = 0;
    // CPU time of this thread, not wall time: it holds when other work shares the machine.
    const choose = () => {
      const started = process.cpuUsage();
      for (let index = 0; index < size.iterations; index += 1) {
        sink += registry.choose(undefined, excluded)?.priority ?? 0;
      }
      const used = process.cpuUsage(started);
      return ((used.user + used.system) * 1000) / size.iterations;
    };
    choose();
    let round = 0;
    const rounds = await alternateRounds(
      {
        choose: async () => {
          round += 1;
          context.progress(`scheduler: round ${round}/${size.rounds}`);
          return choose();
        },
      },
      size.rounds,
    );
    // Keeps the choices observable, so the loop cannot be optimised away.
    if (!Number.isFinite(sink)) throw new Error('the scheduler returned no priority');
    const summary = summarize(rounds.choose);
    context.report({
      name: 'choose an account for a new session, 50 accounts (usable check, window assessment, scheduler)',
      value: Math.round(summary.p50),
      unit: 'ns CPU/op',
      p50: Math.round(summary.p50),
      p99: Math.round(summary.p99),
      min: Math.round(summary.min),
      max: Math.round(summary.max),
    });
  },
};

export default scenario;
