import type { Cluster, Redis } from 'ioredis';
import { z } from 'zod';
import { ChannelSubscriber } from '../redis/channel-subscriber.js';
import { parseValidatedJson } from '../redis/validated-json.js';
import type { UsageWindows } from './usage-windows.js';

/**
 * What every instance must agree on about an account: when it may be used again, whether it is disabled,
 * and the usage windows it last reported. In-flight counts stay per process (per-process caps).
 */
export interface SharedAccountFacts {
  /** Epoch ms; 0 when not cooling down. */
  coolingUntil: number;
  disabledReason: string | undefined;
  windows: UsageWindows | undefined;
  /** Increases with every change Redis applies; a fact with a lower version than one already applied is stale. */
  version: number;
}

export interface SharedAccountStateOptions {
  /** A connection of the session store's Redis deployment (standalone or Cluster); used, not closed. */
  redis: Redis | Cluster;
  /** The store's key prefix: the state and its channel live under it, with a hash tag so Cluster works. */
  keyPrefix: string;
  /** The configured account ids: facts about any other id are ignored. */
  accountIds: readonly string[];
  /** Applies a fact (from this instance's own change or another's) to the local account. */
  apply(accountId: string, facts: SharedAccountFacts): void;
  /** A message or stored value that failed validation: dropped, never thrown. */
  onRejected?(reason: string): void;
  /** A Redis command that failed: the change stays queued and is sent again when Redis is back. */
  onError?(error: unknown): void;
}

// Messages and stored values come from a shared Redis that any peer can write to: check every field.
const longestBelievableMs = 31 * 24 * 60 * 60 * 1000;
const epochMs = z.number().finite().nonnegative();
const standardLimit = z.object({
  limit: z.number().finite().nonnegative(),
  remaining: z.number().finite().nonnegative(),
  resetAt: epochMs.optional(),
});
const unifiedWindow = z.object({
  utilization: z.number().finite().min(0).max(1).optional(),
  resetAt: epochMs.optional(),
  status: z.enum(['allowed', 'allowed_warning', 'rejected']).optional(),
});
const windowsSchema = z.object({
  observedAt: epochMs,
  standard: z
    .object({
      requests: standardLimit.optional(),
      tokens: standardLimit.optional(),
      'input-tokens': standardLimit.optional(),
      'output-tokens': standardLimit.optional(),
    })
    .strip(),
  unified: z
    .object({
      status: z.enum(['allowed', 'allowed_warning', 'rejected']).optional(),
      resetAt: epochMs.optional(),
      fiveHour: unifiedWindow.optional(),
      sevenDay: unifiedWindow.optional(),
      representativeClaim: z.string().max(40).optional(),
      fallbackPercentage: z.number().finite().min(0).max(1).optional(),
      overageStatus: z.string().max(40).optional(),
    })
    .optional(),
});
const factsSchema = z.object({
  coolingUntil: epochMs,
  disabledReason: z.string().max(300).optional(),
  windows: windowsSchema.optional(),
  version: z.number().int().positive(),
});
const messageSchema = z.object({ account: z.string().max(200), state: factsSchema });

// One script per change: merges into the stored state atomically (two instances never undo each other's change),
// bumps the version and publishes the result. cjson drops nil fields, so "no reason" is an absent field.
const applyChangeScript = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
local state = { coolingUntil = 0, version = 0 }
if raw then
  local ok, decoded = pcall(cjson.decode, raw)
  if ok and type(decoded) == 'table' then state = decoded end
end
local op = ARGV[2]
if op == 'cool' then
  local untilMs = tonumber(ARGV[3])
  if untilMs <= (tonumber(state.coolingUntil) or 0) then return raw end
  state.coolingUntil = untilMs
elseif op == 'disable' then
  state.disabledReason = ARGV[3]
elseif op == 'enable' then
  state.disabledReason = nil
  state.coolingUntil = 0
elseif op == 'windows' then
  local windows = cjson.decode(ARGV[3])
  if type(state.windows) == 'table' and (tonumber(state.windows.observedAt) or 0) >= (tonumber(windows.observedAt) or 0) then
    return raw
  end
  state.windows = windows
end
state.version = (tonumber(state.version) or 0) + 1
local encoded = cjson.encode(state)
redis.call('HSET', KEYS[1], ARGV[1], encoded)
redis.call('PUBLISH', KEYS[2], '{"account":' .. cjson.encode(ARGV[1]) .. ',"state":' .. encoded .. '}')
return encoded
`;

type Change =
  | { op: 'cool'; value: string }
  | { op: 'disable'; value: string }
  | { op: 'enable'; value: string }
  | { op: 'windows'; value: string };

// A window update is sent when what it says changes at this granularity, and at most this often per account.
const windowPublishIntervalMs = 1000;

/**
 * Account state shared by every instance on one Redis: a change one instance learns (a 429's cool-down, a dead
 * credential, a window used up) is merged into a hash by one script and published; every instance applies it.
 * Costs nothing per request: Redis is written only when a fact changes (window updates at most once a second
 * per account and only when they change materially: `materialWindowKey`). Redis down: each instance keeps its local view, queues
 * its own changes (the latest per account and kind) and sends them, then reloads, when Redis is back.
 */
export class SharedAccountState {
  readonly #options: SharedAccountStateOptions;
  readonly #stateKey: string;
  readonly #channel: string;
  readonly #known: Set<string>;
  readonly #versions = new Map<string, number>();
  readonly #queued = new Map<string, Change>();
  readonly #lastWindows = new Map<string, { key: string; at: number }>();
  #subscriber: ChannelSubscriber | undefined;
  #closed = false;

  constructor(options: SharedAccountStateOptions) {
    this.#options = options;
    this.#stateKey = `${options.keyPrefix}{accounts}:state`;
    this.#channel = `${options.keyPrefix}{accounts}:changes`;
    this.#known = new Set(options.accountIds);
  }

  /** Subscribes, then loads what Redis knows. Resolves even when Redis is down (the local view goes on). */
  async start(): Promise<void> {
    const subscriber = new ChannelSubscriber({
      redis: this.#options.redis,
      channel: this.#channel,
      onMessage: (message) => this.#receive(message),
      // After an outage: send what was learnt meanwhile, then take Redis's merged view.
      onReady: () => {
        void this.#resync();
      },
      onError: (error) => this.#options.onError?.(error),
    });
    this.#subscriber = subscriber;
    await subscriber.subscribed;
    await this.#load();
  }

  /**
   * Tracks an account added by a config reload: its facts are applied from now on, starting with what Redis
   * knows of it (another instance may have it cooling down or disabled). Resolves even when Redis is down.
   */
  async addAccount(accountId: string): Promise<void> {
    this.#known.add(accountId);
    // Its local account is new: whatever version was applied before belonged to an account since removed.
    this.#versions.delete(accountId);
    let encoded: string | null;
    try {
      encoded = await this.#options.redis.hget(this.#stateKey, accountId);
    } catch (error) {
      this.#options.onError?.(error);
      return;
    }
    if (encoded && this.#known.has(accountId)) this.#applyStored(accountId, encoded);
  }

  /** Stops tracking an account removed by a config reload; what Redis holds of it stays for the other instances. */
  removeAccount(accountId: string): void {
    this.#known.delete(accountId);
    this.#versions.delete(accountId);
    this.#lastWindows.delete(accountId);
    for (const key of this.#queued.keys()) {
      if (key.startsWith(`${accountId}\u0000`)) this.#queued.delete(key);
    }
  }

  /** The account may not be used before `untilMs` (a 429, an exhausted window). */
  coolDown(accountId: string, untilMs: number): void {
    this.#send(accountId, { op: 'cool', value: String(Math.round(untilMs)) });
  }

  disable(accountId: string, reason: string): void {
    this.#send(accountId, { op: 'disable', value: reason.slice(0, 300) });
  }

  enable(accountId: string): void {
    this.#send(accountId, { op: 'enable', value: '' });
  }

  /** The windows an answer reported; shared only when they changed materially, at most once a second. */
  observeWindows(accountId: string, windows: UsageWindows, now = Date.now()): void {
    const key = materialWindowKey(windows);
    const last = this.#lastWindows.get(accountId);
    if (last && last.key === key) return;
    const rejected = windows.unified?.status === 'rejected';
    if (last && !rejected && now - last.at < windowPublishIntervalMs) return;
    this.#lastWindows.set(accountId, { key, at: now });
    this.#send(accountId, { op: 'windows', value: JSON.stringify(windows) });
  }

  /** Changes waiting for Redis (for stats). */
  get queuedChanges(): number {
    return this.#queued.size;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#subscriber?.close();
    this.#subscriber = undefined;
  }

  #send(accountId: string, change: Change): void {
    if (this.#closed || !this.#known.has(accountId)) return;
    void this.#run(accountId, change);
  }

  async #run(accountId: string, change: Change): Promise<void> {
    try {
      const encoded = (await this.#options.redis.eval(
        applyChangeScript,
        2,
        this.#stateKey,
        this.#channel,
        accountId,
        change.op,
        change.value,
      )) as string | null;
      if (encoded) this.#applyStored(accountId, encoded);
    } catch (error) {
      // One queued change per account and kind: a later cool-down or window supersedes an earlier one.
      this.#queued.set(`${accountId}\u0000${change.op === 'enable' ? 'disable' : change.op}`, change);
      this.#options.onError?.(error);
    }
  }

  async #resync(): Promise<void> {
    if (this.#closed) return;
    const queued = [...this.#queued.entries()];
    this.#queued.clear();
    for (const [key, change] of queued) {
      const accountId = key.slice(0, key.indexOf('\u0000'));
      await this.#run(accountId, change);
    }
    await this.#load();
  }

  async #load(): Promise<void> {
    let stored: Record<string, string>;
    try {
      stored = await this.#options.redis.hgetall(this.#stateKey);
    } catch (error) {
      this.#options.onError?.(error);
      return;
    }
    for (const [accountId, encoded] of Object.entries(stored)) {
      if (this.#known.has(accountId)) this.#applyStored(accountId, encoded);
    }
  }

  #receive(message: string): void {
    const change = parseValidatedJson(messageSchema, message, 'an account change', this.#options.onRejected);
    if (!change || !this.#known.has(change.account)) return;
    this.#applyFacts(change.account, change.state);
  }

  #applyStored(accountId: string, encoded: string): void {
    const state = parseValidatedJson(factsSchema, encoded, 'a stored account state', this.#options.onRejected);
    if (state) this.#applyFacts(accountId, state);
  }

  #applyFacts(accountId: string, state: z.infer<typeof factsSchema>): void {
    if ((this.#versions.get(accountId) ?? 0) >= state.version) return;
    this.#versions.set(accountId, state.version);
    const now = Date.now();
    this.#options.apply(accountId, {
      // A cool-down further away than a month is a peer's garbage, not a fact.
      coolingUntil: state.coolingUntil > now + longestBelievableMs ? 0 : state.coolingUntil,
      disabledReason: state.disabledReason,
      windows: state.windows as UsageWindows | undefined,
      version: state.version,
    });
  }
}

// The bands of an API budget's share left that change another instance's choice: spent, under the scheduler's
// low-headroom mark (10 %), and coarse steps above it.
const standardBands = [0.1, 0.25, 0.5];

/**
 * What a window update says at the granularity worth sharing. Subscription windows: statuses, 5 % steps of use,
 * resets to the minute (their use climbs slowly: a few steps an hour). API budgets: which band of their share
 * left (spent, under 10 %, 25 %, 50 %, more), and the reset only once spent: they count down on every answer and
 * refill every minute, and every instance reads its own answers' anyway.
 */
export function materialWindowKey(windows: UsageWindows): string {
  const step = (value: number | undefined) => (value === undefined ? '-' : String(Math.floor(value * 20)));
  const minute = (value: number | undefined) => (value === undefined ? '-' : String(Math.floor(value / 60_000)));
  const parts: string[] = [];
  for (const [name, limit] of Object.entries(windows.standard)) {
    if (!limit) continue;
    if (limit.remaining === 0) {
      parts.push(`${name}:spent:${minute(limit.resetAt)}`);
      continue;
    }
    const left = limit.limit === 0 ? 0 : limit.remaining / limit.limit;
    parts.push(`${name}:${standardBands.filter((band) => left >= band).length}`);
  }
  const unified = windows.unified;
  if (unified) {
    parts.push(`u:${unified.status ?? '-'}:${minute(unified.resetAt)}`);
    for (const [name, window] of [
      ['5h', unified.fiveHour],
      ['7d', unified.sevenDay],
    ] as const) {
      if (window) parts.push(`${name}:${window.status ?? '-'}:${step(window.utilization)}:${minute(window.resetAt)}`);
    }
  }
  return parts.join('|');
}
