import type { Cluster, Redis } from 'ioredis';

/**
 * The Lua scripts of the redis backend. Each touches the keys of one slot only, so that it runs on Redis Cluster; ioredis
 * sends EVAL once per connection and EVALSHA after that, inside pipelines too.
 */
export const redisScripts = {
  /**
   * One atomic change to a session hash. KEYS[1] = session; ARGV = expireAt, reply ('all' | 'none'), writer field
   * ('' for none), batch sequence, C, C create pairs (written only if the session does not exist), N, N counter
   * pairs (added), field pairs (set). A missing session without create pairs is left alone (returns nil).
   * With a writer field, the hash remembers the writer's last applied sequence and a change at or below it is
   * skipped (created = -1): a batch replayed after a lost reply adds nothing twice. Otherwise returns
   * {created, previous expiresAt or false, HGETALL when reply = 'all' or false, previous accountId or false} (the
   * caller moves the account's index entry only when the account really changed). The expiry only ever moves
   * forward.
   * Counters are read with the expiry and written with the fields: one HMGET, one HSET and one PEXPIREAT per
   * change, however many counters it adds.
   */
  relaySessionApply: `
local key = KEYS[1]
local writer = ARGV[3]
local c = tonumber(ARGV[5])
local n = tonumber(ARGV[6 + 2 * c])
local counters = 7 + 2 * c
local names = {'x', 'x', 'a'}
if writer ~= '' then names[2] = writer end
for j = 0, n - 1 do names[4 + j] = ARGV[counters + 2 * j] end
local stored = redis.call('HMGET', key, unpack(names))
local previous = stored[1]
local account = stored[3]
-- One writer's batches reach a session in order, so a sequence at or below the stored one is already in.
if writer ~= '' and stored[2] and tonumber(stored[2]) >= tonumber(ARGV[4]) then
  if ARGV[2] == 'all' then return {-1, previous or false, redis.call('HGETALL', key), account or false} end
  return {-1, previous or false, false, account or false}
end
local created = 0
local out = {}
if not previous then
  if c == 0 then return false end
  created = 1
  for j = 6, 5 + 2 * c, 2 do out[ARGV[j]] = ARGV[j + 1] end
end
for j = 0, n - 1 do
  local field = ARGV[counters + 2 * j]
  local base = tonumber(out[field] or stored[4 + j]) or 0
  out[field] = string.format('%.0f', base + tonumber(ARGV[counters + 2 * j + 1]))
end
local fields = counters + 2 * n
if created == 1 or n > 0 or fields <= #ARGV then
  local expireAt = ARGV[1]
  if previous and tonumber(previous) > tonumber(expireAt) then expireAt = previous end
  out['x'] = expireAt
  if writer ~= '' then out[writer] = ARGV[4] end
  for j = fields, #ARGV, 2 do out[ARGV[j]] = ARGV[j + 1] end
  local flat = {}
  for field, value in pairs(out) do
    flat[#flat + 1] = field
    flat[#flat + 1] = value
  end
  redis.call('HSET', key, unpack(flat))
  redis.call('PEXPIREAT', key, expireAt)
end
if ARGV[2] == 'all' then return {created, previous or false, redis.call('HGETALL', key), account or false} end
return {created, previous or false, false, account or false}
`,
  /**
   * Create-if-absent of a session, reading its affinity in the same step (a new session's first request needs both).
   * KEYS[1] = session, KEYS[2] = its affinity (same hash tag, so same Cluster slot); ARGV = expireAt, field pairs.
   * Returns {1, false, affinity or false} when it created the session, {0, HGETALL, affinity or false} when one
   * existed.
   */
  relaySessionCreate: `
local affinity = redis.call('GET', KEYS[2])
if redis.call('EXISTS', KEYS[1]) == 1 then return {0, redis.call('HGETALL', KEYS[1]), affinity} end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return {1, false, affinity}
`,
  /** Replaces a session hash. KEYS[1] = session; ARGV = expireAt, field pairs. */
  relaySessionReplace: `
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return 1
`,
  /** Deletes a session hash. KEYS[1] = session. Returns {deleted, userId, apiKeyId, accountId} for the indexes. */
  relaySessionDelete: `
local fields = redis.call('HMGET', KEYS[1], 'u', 'k', 'a')
return {redis.call('DEL', KEYS[1]), fields[1], fields[2], fields[3]}
`,
  /**
   * Adds a member to a find-by index bucket. KEYS[1] = bucket (a sorted set scored by expiry in grain units);
   * ARGV = score, member, now (grain units), grain (ms). Scores only move forward; members past their score are
   * trimmed here, lazily; the bucket expires with its last member.
   */
  relaySessionIndex: `
redis.call('ZADD', KEYS[1], 'GT', ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
local top = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if top[2] then redis.call('PEXPIREAT', KEYS[1], string.format('%.0f', tonumber(top[2]) * tonumber(ARGV[4]))) end
return 1
`,
  /** Set-if-absent of an affinity. KEYS[1] = affinity; ARGV = accountId, ttlMs. Returns the winning account. */
  relayAffinityClaim: `
local current = redis.call('GET', KEYS[1])
if current then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return current
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]
`,
} as const;

export type RedisScriptName = keyof typeof redisScripts;

/** Scripts that touch more than one key (all of one session: the same slot). */
const keyCounts: Partial<Record<RedisScriptName, number>> = { relaySessionCreate: 2 };

/** Defines the scripts as commands on the client (idempotent; names are prefixed to stay out of the user's way). */
export function defineRedisScripts(client: Redis | Cluster): void {
  for (const [name, lua] of Object.entries(redisScripts)) {
    const numberOfKeys = keyCounts[name as RedisScriptName] ?? 1;
    if (!(name in client)) client.defineCommand(name, { numberOfKeys, lua });
  }
}
