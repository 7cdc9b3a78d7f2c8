import { QuotaInvalidOptionError } from '../errors.js';
import { dayId, rollingBuckets, type WindowSpan } from '../limits/budget-window.js';
import { integerOption, stringOption } from '../options.js';
import {
  type BatchMark,
  counterNames,
  type Grant,
  type QuotaBackend,
  type RateSpec,
  type UsageCounters,
  type UsageDelta,
  type UsageQuery,
  type UsageRow,
  zeroCounters,
} from './quota-backend.js';
import { RedisConnection, type RedisSource, type ScriptCall } from './redis-connection.js';

export interface RedisQuotaBackendOptions {
  /** A Redis URL, or an ioredis `Redis` / `Cluster` you own (left open on close). */
  redis: RedisSource;
  /** Prefix of every key. Default `relay:q:`. Must not contain `{` or `}`. */
  keyPrefix?: string;
  /** Longest a command may take on a connection made from a URL, ms. Default 1000. */
  commandTimeoutMs?: number;
  /** How long a ledger day is kept after its last change, days. Default 400. */
  ledgerRetentionDays?: number;
}

/** One letter per ledger counter in the day hash's field names (`<letter>["account","model"]`). */
const counterLetters: Readonly<Record<keyof UsageCounters, string>> = {
  requests: 'r',
  incomplete: 'x',
  input: 'i',
  output: 'o',
  cacheRead: 'c',
  cacheWrite5m: 'w',
  cacheWrite1h: 'h',
  costMicroUsd: '$',
};
const counterByLetter = new Map(Object.entries(counterLetters).map(([name, letter]) => [letter, name])) as Map<
  string,
  keyof UsageCounters
>;

/**
 * The quota backend on Redis or Redis Cluster. Every key carries a hash tag: a rate, budget window or slot set
 * `{<name>}`, a ledger day `{<keyId>}`, so that each script touches one slot. Layout in the README.
 */
export class RedisQuotaBackend implements QuotaBackend {
  readonly backend: string = 'redis';
  readonly connection: RedisConnection;
  readonly #prefix: string;
  readonly #retentionMs: number;

  constructor(options: RedisQuotaBackendOptions) {
    if (typeof options !== 'object' || options === null)
      throw new QuotaInvalidOptionError('options', 'an object', options);
    const redis = options.redis;
    if (typeof redis !== 'string' && (typeof redis !== 'object' || redis === null)) {
      throw new QuotaInvalidOptionError('redis', 'a Redis URL or an ioredis client', redis);
    }
    this.#prefix = stringOption('keyPrefix', options.keyPrefix, 'relay:q:');
    if (/[{}]/.test(this.#prefix))
      throw new QuotaInvalidOptionError('keyPrefix', 'a prefix without braces', this.#prefix);
    this.#retentionMs = integerOption('ledgerRetentionDays', options.ledgerRetentionDays, 400, 1, 100_000) * 86_400_000;
    this.connection = new RedisConnection(redis, integerOption('commandTimeoutMs', options.commandTimeoutMs, 1000));
  }

  async takeRate(name: string, rate: RateSpec, want: number): Promise<Grant> {
    return grantOf(
      await this.connection.call(['relayQuotaRate', this.#rateKey(name), rate.periodMs, rate.limit, want, 'take']),
    );
  }

  async returnRate(name: string, rate: RateSpec, units: number): Promise<void> {
    await this.connection.call(['relayQuotaRate', this.#rateKey(name), rate.periodMs, rate.limit, units, 'return']);
  }

  async takeBudget(name: string, span: WindowSpan, limit: number, want: number, nowMs: number): Promise<Grant> {
    return grantOf(await this.connection.call(this.#budgetCall('take', name, span, limit, want, nowMs)));
  }

  async chargeBudget(name: string, span: WindowSpan, units: number, nowMs: number): Promise<void> {
    await this.connection.call(this.#budgetCall('charge', name, span, 0, units, nowMs));
  }

  async holdSlots(name: string, holder: string, limit: number, want: number, ttlMs: number): Promise<number> {
    return Number(
      await this.connection.call(['relayQuotaSlots', `${this.#prefix}c:{${name}}`, holder, limit, want, ttlMs]),
    );
  }

  async rateUsed(name: string, rate: RateSpec): Promise<number> {
    return Number(
      await this.connection.call(['relayQuotaRead', this.#rateKey(name), 'rate', rate.periodMs, rate.limit]),
    );
  }

  async budgetUsed(name: string, span: WindowSpan, nowMs: number): Promise<number> {
    const key = `${this.#prefix}b:{${name}}:${span.id}`;
    const reply =
      span.kind === 'calendar'
        ? await this.connection.call(['relayQuotaRead', key, 'calendar'])
        : await this.connection.call(['relayQuotaRead', key, 'rolling', span.bucketMs, rollingBuckets, nowMs]);
    return Math.max(0, Number(reply) || 0);
  }

  async slotsHeld(name: string): Promise<number> {
    return Number(await this.connection.call(['relayQuotaRead', `${this.#prefix}c:{${name}}`, 'slots'])) || 0;
  }

  async applyUsage(deltas: readonly UsageDelta[], mark: BatchMark): Promise<void> {
    const groups = new Map<string, (string | number)[]>();
    for (const delta of deltas) {
      const key = this.#ledgerKey(delta.keyId, delta.day);
      let fields = groups.get(key);
      if (!fields) {
        fields = [];
        groups.set(key, fields);
      }
      const row = JSON.stringify([delta.accountId, delta.model]);
      for (const name of counterNames) {
        if (delta.counters[name] !== 0) fields.push(`${counterLetters[name]}${row}`, delta.counters[name]);
      }
    }
    const calls = [...groups].map(
      ([key, fields]): ScriptCall => [
        'relayQuotaUsage',
        key,
        `~${mark.writer}`,
        mark.sequence,
        this.#retentionMs,
        ...fields,
      ],
    );
    await this.connection.batch(calls);
  }

  async readUsage(query: UsageQuery): Promise<UsageRow[]> {
    const rows: UsageRow[] = [];
    for (const keyId of query.keyIds) {
      for (const day of daysBetween(query.fromDay, query.toDay)) {
        const hash = (await this.connection.command(['hgetall', this.#ledgerKey(keyId, day)])) as
          | string[]
          | Record<string, string>;
        const entries = Array.isArray(hash) ? pairs(hash) : Object.entries(hash ?? {});
        const byRow = new Map<string, UsageCounters>();
        for (const [field, value] of entries) {
          const name = counterByLetter.get(field[0] ?? '');
          if (!name) continue; // a writer mark (`~…`) or a field this version does not know
          const row = field.slice(1);
          const counters = byRow.get(row) ?? zeroCounters();
          counters[name] = Number(value);
          byRow.set(row, counters);
        }
        for (const [row, counters] of byRow) {
          const parsed = parseRow(row);
          if (parsed) rows.push({ keyId, accountId: parsed[0], model: parsed[1], day, counters });
        }
      }
    }
    return rows;
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  #rateKey(name: string): string {
    return `${this.#prefix}r:{${name}}`;
  }

  #ledgerKey(keyId: string, day: string): string {
    return `${this.#prefix}l:{${keyId}}:${day}`;
  }

  #budgetCall(
    mode: 'take' | 'charge',
    name: string,
    span: WindowSpan,
    limit: number,
    units: number,
    nowMs: number,
  ): ScriptCall {
    const key = `${this.#prefix}b:{${name}}:${span.id}`;
    if (span.kind === 'calendar') {
      const end = Number.isFinite(span.endMs) ? span.endMs : 'inf';
      return ['relayQuotaBudget', key, mode, 'calendar', limit, units, nowMs, end];
    }
    return ['relayQuotaBudget', key, mode, 'rolling', limit, units, nowMs, span.bucketMs, rollingBuckets];
  }
}

function grantOf(reply: unknown): Grant {
  const [granted, retryAfterMs] = Array.isArray(reply) ? reply : [0, 0];
  return { granted: Number(granted) || 0, retryAfterMs: Number(retryAfterMs) || 0 };
}

function pairs(flat: readonly string[]): Array<[string, string]> {
  const result: Array<[string, string]> = [];
  for (let index = 0; index + 1 < flat.length; index += 2)
    result.push([flat[index] as string, flat[index + 1] as string]);
  return result;
}

/** A stored row name, validated: what Redis holds may have been written by anyone. */
function parseRow(row: string): [string, string] | undefined {
  try {
    const parsed: unknown = JSON.parse(row);
    if (Array.isArray(parsed) && parsed.length === 2 && parsed.every((part) => typeof part === 'string')) {
      return parsed as [string, string];
    }
  } catch {}
  return undefined;
}

/** The UTC days `YYYYMMDD` from `from` to `to` inclusive (at most 400). */
export function daysBetween(from: string, to: string): string[] {
  const parse = (day: string) =>
    Date.UTC(Number(day.slice(0, 4)), Number(day.slice(4, 6)) - 1, Number(day.slice(6, 8)));
  const days: string[] = [];
  for (let at = parse(from); at <= parse(to) && days.length < 400; at += 86_400_000) days.push(dayId(at));
  return days;
}
