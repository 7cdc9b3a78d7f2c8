#!/usr/bin/env node
// What an open console costs the relay: CPU of the relay process per poll of the Overview page (GET /admin/stats,
// GET /metrics, GET /admin/usage for today, as the console sends them every 2 s), of the Accounts page (the same and
// GET /admin/accounts) and of the Keys page (the same and GET /admin/keys, the ledger by key and day), on a relay with
// 3 accounts, the memory store and some traffic behind it. Relayed requests are untouched: the
// console adds nothing to their path. Run after `pnpm build`:
//   node apps/dashboard/scripts/measure-poll-cost.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMockAnthropic } from '@relay/mock-anthropic';

const cli = fileURLToPath(new URL('../../relay/dist/cli.js', import.meta.url));
const adminToken = 'admin-token-for-the-poll-measurement';
const clientKey = 'relay_poll-measurement-client-key-000000';
const rounds = 500;

const mock = await createMockAnthropic({ deltas: 4 });
const directory = mkdtempSync(join(tmpdir(), 'relay-poll-cost-'));
const configFile = join(directory, 'relay.json');
writeFileSync(
  configFile,
  JSON.stringify({
    listen: { host: '127.0.0.1', port: 0 },
    upstream: { baseUrl: mock.url, warmup: false },
    admin: { token: adminToken },
    accounts: ['a', 'b', 'c'].map((id) => ({ id, apiKey: `sk-ant-poll-${id}-000000` })),
    clients: [{ id: 'poll', key: clientKey }],
    state: { file: join(directory, 'state.json') },
  }),
);
const relay = spawn(process.execPath, [cli, '--config', configFile], { stdio: ['ignore', 'pipe', 'inherit'] });
// The relay logs at its default level (info: an access line per admin call, as in production).
const url = await new Promise((resolve, reject) => {
  let output = '';
  const timer = setTimeout(() => reject(new Error(`the relay did not start: ${output}`)), 15_000);
  relay.stdout.on('data', (chunk) => {
    if (output === undefined) return;
    output += chunk;
    const match = /"url":"([^"]+)"/.exec(output);
    if (!match) return;
    clearTimeout(timer);
    output = undefined;
    resolve(match[1]);
  });
  relay.once('exit', (code) => reject(new Error(`relay exited (${code}): ${output}`)));
});

const admin = { authorization: `Bearer ${adminToken}` };
const get = async (path) => {
  const response = await fetch(`${url}${path}`, { headers: admin });
  await response.arrayBuffer();
  return response.status;
};
// Traffic first, so that the histograms, counters, windows and sessions have series to report.
for (let sent = 0; sent < 200; sent += 1) {
  const response = await fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': clientKey, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.arrayBuffer();
}

/** User + system CPU of the relay process so far, ms (from /proc; clock ticks of 10 ms). */
const relayCpuMs = () => {
  const fields = readFileSync(`/proc/${relay.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const today = new Date().toISOString().slice(0, 10);
const pages = {
  overview: [`/admin/stats`, `/metrics`, `/admin/usage?groupBy=day&from=${today}&to=${today}`],
  accounts: [`/admin/stats`, `/metrics`, `/admin/usage?groupBy=day&from=${today}&to=${today}`, '/admin/accounts'],
  // The key `poll` has no limits, so the page asks for no `GET /admin/keys/:id`; its ledger read runs every 5 s, not 2.
  keys: [
    `/admin/stats`,
    `/metrics`,
    `/admin/usage?groupBy=day&from=${today}&to=${today}`,
    '/admin/keys',
    `/admin/usage?groupBy=key,day&from=${today}&to=${today}`,
  ],
};
for (const [name, paths] of Object.entries(pages)) {
  for (let round = 0; round < 50; round += 1) await Promise.all(paths.map(get)); // warm-up
  const statuses = new Set();
  const before = relayCpuMs();
  for (let round = 0; round < rounds; round += 1)
    for (const status of await Promise.all(paths.map(get))) statuses.add(status);
  const perPoll = (relayCpuMs() - before) / rounds;
  console.log(
    `${name}: ${perPoll.toFixed(2)} ms of relay CPU per poll (${paths.length} requests, statuses ${[...statuses].join(',')}); ` +
      `one tab every 2 s: ${((perPoll / 2000) * 100).toFixed(2)} % of a core`,
  );
}
relay.kill('SIGTERM');
await mock.close();
