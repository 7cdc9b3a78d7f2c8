import { isDeepStrictEqual } from 'node:util';
import { hashClientKey } from '../auth/client-key.js';
import type { AccountConfig, ClientConfig, RelayConfig } from './config-schema.js';

/** What about an account a reload can change while it serves. */
export type AccountChange = 'credential' | 'oauth' | 'proxy' | 'priority' | 'maxConcurrency';
/** What about a client key a reload can change while it serves. */
export type ClientChange = 'key' | 'userId' | 'maxConcurrency' | 'models' | 'expiresAt' | 'limits';

/** How a re-read config differs from the running one. */
export interface ConfigDiff {
  accounts: {
    added: AccountConfig[];
    removed: string[];
    changed: Array<{ id: string; fields: AccountChange[]; config: AccountConfig }>;
  };
  clients: { added: string[]; removed: string[]; changed: Array<{ id: string; fields: ClientChange[] }> };
  /** Dotted paths of the other fields that differ (`listen.port`, `upstream.baseUrl`): they need a restart. */
  needsRestart: string[];
}

/** The sections a reload applies while the relay serves; every other field waits for a restart. */
const liveSections = new Set<string>(['accounts', 'clients']);

const accountFields: ReadonlyArray<[AccountChange, (account: AccountConfig) => unknown]> = [
  ['credential', (account) => [account.apiKey, account.oauthToken]],
  ['oauth', (account) => account.oauth],
  ['proxy', (account) => account.proxy],
  ['priority', (account) => account.priority],
  ['maxConcurrency', (account) => account.maxConcurrency],
];

const clientFields: ReadonlyArray<[ClientChange, (client: ClientConfig) => unknown]> = [
  // A key given in clear and the same key given as its hash are one key.
  ['key', (client) => client.keyHash ?? hashClientKey(client.key as string)],
  ['userId', (client) => client.userId],
  ['maxConcurrency', (client) => client.maxConcurrency],
  ['models', (client) => client.models],
  ['expiresAt', (client) => client.expiresAt],
  ['limits', (client) => client.limits],
];

/** Compares the running config with a re-read one: accounts and clients added, removed, changed, and the rest. */
export function diffConfig(running: RelayConfig, next: RelayConfig): ConfigDiff {
  const accounts = diffById(running.accounts, next.accounts, accountFields);
  const clients = diffById(running.clients, next.clients, clientFields);
  const needsRestart: string[] = [];
  const sections = new Set([...Object.keys(running), ...Object.keys(next)]);
  for (const section of sections) {
    if (liveSections.has(section)) continue;
    needsRestart.push(
      ...differingPaths(
        (running as Record<string, unknown>)[section],
        (next as Record<string, unknown>)[section],
        section,
      ),
    );
  }
  return {
    accounts: {
      added: accounts.added,
      removed: accounts.removed,
      changed: accounts.changed.map(({ item, fields }) => ({ id: item.id, fields, config: item })),
    },
    clients: {
      added: clients.added.map((client) => client.id),
      removed: clients.removed,
      changed: clients.changed.map(({ item, fields }) => ({ id: item.id, fields })),
    },
    needsRestart,
  };
}

/** The config a reload leaves running: `running`, with the accounts and clients of `next`. */
export function reloadedConfig(running: RelayConfig, next: RelayConfig): RelayConfig {
  return { ...running, accounts: next.accounts, clients: next.clients };
}

/** True when the reload changes nothing at all. */
export function isUnchanged(diff: ConfigDiff): boolean {
  const { accounts, clients } = diff;
  return (
    accounts.added.length + accounts.removed.length + accounts.changed.length === 0 &&
    clients.added.length + clients.removed.length + clients.changed.length === 0 &&
    diff.needsRestart.length === 0
  );
}

/** What a log line may say about a diff: ids, field names and paths, never a credential or another value. */
export function summarizeDiff(diff: ConfigDiff): {
  accounts: { added: string[]; removed: string[]; changed: Record<string, AccountChange[]> };
  clients: { added: string[]; removed: string[]; changed: Record<string, ClientChange[]> };
  needsRestart: string[];
} {
  return {
    accounts: {
      added: diff.accounts.added.map((account) => account.id),
      removed: diff.accounts.removed,
      changed: Object.fromEntries(diff.accounts.changed.map((change) => [change.id, change.fields])),
    },
    clients: {
      added: diff.clients.added,
      removed: diff.clients.removed,
      changed: Object.fromEntries(diff.clients.changed.map((change) => [change.id, change.fields])),
    },
    needsRestart: diff.needsRestart,
  };
}

/**
 * The routes the pool has not served yet: each distinct proxy (`undefined`: direct) that an account of `next`
 * uses and no account of `running` did, for warm-up.
 */
export function routesAdded(
  running: readonly AccountConfig[],
  next: readonly AccountConfig[],
): Array<string | undefined> {
  const known = new Set(running.map((account) => account.proxy));
  return [...new Set(next.map((account) => account.proxy))].filter((proxy) => !known.has(proxy));
}

function diffById<Item extends { id: string }, Field extends string>(
  running: readonly Item[],
  next: readonly Item[],
  fields: ReadonlyArray<[Field, (item: Item) => unknown]>,
): { added: Item[]; removed: string[]; changed: Array<{ item: Item; fields: Field[] }> } {
  const before = new Map(running.map((item) => [item.id, item]));
  const after = new Set(next.map((item) => item.id));
  const added: Item[] = [];
  const changed: Array<{ item: Item; fields: Field[] }> = [];
  for (const item of next) {
    const previous = before.get(item.id);
    if (!previous) {
      added.push(item);
      continue;
    }
    const differing = fields.filter(([, read]) => !isDeepStrictEqual(read(previous), read(item))).map(([name]) => name);
    if (differing.length > 0) changed.push({ item, fields: differing });
  }
  const removed = running.filter((item) => !after.has(item.id)).map((item) => item.id);
  return { added, removed, changed };
}

// Objects are compared field by field (so a path names the leaf that differs); anything else as a whole.
function differingPaths(before: unknown, after: unknown, path: string): string[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].flatMap((key) => differingPaths(before[key], after[key], `${path}.${key}`));
  }
  return isDeepStrictEqual(before, after) ? [] : [path];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
