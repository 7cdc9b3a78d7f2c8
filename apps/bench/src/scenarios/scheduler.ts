import { ConnectionPool } from '@relay/connection-pool';
import { AccountRegistry, RouteAvailability } from '@relay/server/scheduling';
import { alternateRounds, summarize } from '../measure.js';
import type { Scenario } from '../scenario.js';

const sizes = (quick: boolean) => (quick ? { iterations: 20_000, rounds: 3 } : { iterations: 200_000, rounds: 12 });

// Never dialled: the routes only need their breakers (a dispatcher per route, created without connecting).
const origin = 'http://127.0.0.1:9';

/**
 * 50 accounts in two priority tiers on five routes (direct and four proxies), their breakers in a real connection
 * pool checked as the relay composes it; half report subscription windows, a few are warned or nearly spent.
 */
function registryOf(count: number, pool: ConnectionPool): AccountRegistry {
  const proxyOf = (index: number) => (index % 5 === 0 ? undefined : `http://127.0.0.1:${3128 + (index % 5)}`);
  const registry = new AccountRegistry(
    Array.from({ length: count }, (_, index) => ({
      id: `account-${index}`,
      apiKey: `sk-ant-bench-${index}`,
      priority: index % 2,
      maxConcurrency: 64,
      proxy: proxyOf(index),
    })),
    new RouteAvailability(pool, origin).isUsable,
  );
  for (let index = 0; index < 5; index += 1) pool.get(origin, { proxy: proxyOf(index) });
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
  description:
    "the relay's choice of an account for a new session (ns of CPU per choice), 50 accounts on five routes of a real connection pool",
  async run(context) {
    const size = sizes(context.quick);
    const pool = new ConnectionPool({ health: { active: false } });
    try {
      const registry = registryOf(50, pool);
      const excluded = new Set<string>();
      let sink = 0;
      // CPU time of this thread, not wall time: it holds when other work shares the machine.
      const cpuPerCall = (call: () => void) => () => {
        const started = process.cpuUsage();
        for (let index = 0; index < size.iterations; index += 1) call();
        const used = process.cpuUsage(started);
        return ((used.user + used.system) * 1000) / size.iterations;
      };
      const choose = cpuPerCall(() => {
        sink += registry.choose(undefined, excluded)?.priority ?? 0;
      });
      // What the forwarder does per new session: the choice and a lease on the chosen account, given back.
      const acquire = cpuPerCall(() => {
        const lease = registry.acquire(undefined, excluded);
        sink += lease?.account.priority ?? 0;
        lease?.release();
      });
      choose();
      acquire();
      let round = 0;
      const rounds = await alternateRounds(
        {
          choose: async () => {
            round += 1;
            context.progress(`scheduler: round ${round}/${size.rounds}`);
            return choose();
          },
          acquire: async () => acquire(),
        },
        size.rounds,
      );
      // Keeps the choices observable, so the loop cannot be optimised away.
      if (!Number.isFinite(sink)) throw new Error('the scheduler returned no priority');
      const rows = [
        [
          'choose',
          'choose an account for a new session, 50 accounts (usable check with the route breakers, window assessment, scheduler)',
        ],
        ['acquire', 'acquire and release a lease on the chosen account, 50 accounts (as the forwarder does)'],
      ] as const;
      for (const [key, name] of rows) {
        const summary = summarize(rounds[key]);
        context.report({
          name,
          value: Math.round(summary.p50),
          unit: 'ns CPU/op',
          p50: Math.round(summary.p50),
          p99: Math.round(summary.p99),
          min: Math.round(summary.min),
          max: Math.round(summary.max),
        });
      }
    } finally {
      await pool.close();
    }
  },
};

export default scenario;
