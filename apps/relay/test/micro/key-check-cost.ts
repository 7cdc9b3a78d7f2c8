// CPU per request of the client-key checks the keys feature adds to the request path, beside what was there:
// the key lookup (SHA-256 of the presented key + map + constant-time compare). Added: the expiry check, the
// last-use note (one Map write) and, for a key with an allow-list, the model check (the model's bytes decoded
// from the scanned body, the compiled list looked up by its array, a Set or one anchored RegExp). No Redis
// command is added. Each figure is process CPU time over many iterations, after a warm-up; lowest of rounds.
//   node apps/relay/test/micro/run.mjs key-check-cost.ts [rounds]
import pino from 'pino';
import { generateClientKey, hashClientKey } from '../../src/auth/client-key.js';
import { type Client, ClientRegistry } from '../../src/auth/client-registry.js';
import { decodeString, scanBody } from '../../src/http/body-scanner.js';
import { isKeyExpired } from '../../src/keys/key-expiry.js';
import type { KeyStore } from '../../src/keys/key-store.js';
import { modelAllowListOf } from '../../src/keys/model-allow-list.js';
import { StoredKeys } from '../../src/keys/stored-keys.js';

const rounds = Number(process.argv[2] ?? 5);
const iterations = 500_000;

const nothingStored: KeyStore = {
  list: async () => [],
  get: async () => undefined,
  create: async () => true,
  update: async () => undefined,
  delete: async () => true,
  recordLastUsed: async () => {},
  watch: async () => {},
  close: async () => {},
};

const key = generateClientKey();
const registry = new ClientRegistry(
  Array.from({ length: 1_000 }, (_, index): Client => {
    const base = {
      id: `key-${index}`,
      keyHash: hashClientKey(`${key}-${index}`),
      userId: undefined,
      maxConcurrency: 32,
    };
    return base;
  }),
);
const patterns = ['claude-opus-4-1', 'claude-sonnet-*', 'claude-haiku-*'];
registry.upsert({
  id: 'team',
  keyHash: hashClientKey(key),
  userId: undefined,
  maxConcurrency: 32,
  models: patterns,
  expiresAt: Date.now() + 86_400_000,
  source: 'store',
});
const keys = new StoredKeys({ store: nothingStored, clients: registry, logger: pino({ level: 'silent' }) });
const raw = Buffer.from(
  JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
);
const body = { raw, fields: scanBody(raw) };

const client = registry.authenticate(key) as Client;
const cases: Record<string, () => unknown> = {
  'expiry + last use alone': () => {
    const now = Date.now();
    if (isKeyExpired(client.expiresAt, now)) throw new Error('expired');
    keys.recordUse(client.id, now);
  },
  'model glob alone': () => {
    const range = body.fields.model;
    if (client.models && range && !modelAllowListOf(client.models).allows(decodeString(body.raw, range))) {
      throw new Error('refused');
    }
  },
  'key lookup (before)': () => registry.authenticate(key),
  'lookup + expiry + last use': () => {
    const client = registry.authenticate(key) as Client;
    const now = Date.now();
    if (isKeyExpired(client.expiresAt, now)) throw new Error('expired');
    keys.recordUse(client.id, now);
    return client;
  },
  'lookup + expiry + last use + model glob': () => {
    const client = registry.authenticate(key) as Client;
    const now = Date.now();
    if (isKeyExpired(client.expiresAt, now)) throw new Error('expired');
    keys.recordUse(client.id, now);
    const range = body.fields.model;
    if (client.models && range && !modelAllowListOf(client.models).allows(decodeString(body.raw, range))) {
      throw new Error('refused');
    }
    return client;
  },
};

function cpuMicrosPerCall(run: () => unknown): number {
  for (let index = 0; index < iterations / 10; index += 1) run();
  globalThis.gc?.();
  const started = process.cpuUsage();
  for (let index = 0; index < iterations; index += 1) run();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / iterations;
}

const lowest = new Map<string, number>();
for (let round = 0; round < rounds; round += 1) {
  for (const [name, run] of Object.entries(cases)) {
    lowest.set(name, Math.min(lowest.get(name) ?? Number.POSITIVE_INFINITY, cpuMicrosPerCall(run)));
  }
}
const baseline = lowest.get('key lookup (before)') as number;
console.log(`client-key checks, CPU per request (lowest of ${rounds} rounds of ${iterations}, 1,001 keys):`);
for (const [name, micros] of lowest) {
  const added = micros - baseline;
  const note =
    name.includes('alone') || name.includes('before') ? '' : `   (${added >= 0 ? '+' : ''}${added.toFixed(3)} µs)`;
  console.log(`  ${name.padEnd(42)} ${micros.toFixed(3)} µs${note}`);
}
