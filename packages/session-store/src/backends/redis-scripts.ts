import type { Cluster, Redis } from 'ioredis';

/**
 * The Lua scripts of the redis backend. Each touches one key only, so that it runs on Redis Cluster; ioredis
 * sends EVAL once per connection and EVALSHA after that, inside pipelines too.
 */
export const redisScripts = {
  /**
   * One atomic change to a session hash. KEYS[1] = session; ARGV = expireAt, reply ('all' | 'none'), writer field
   * ('' for none), batch sequence, C, C create pairs (written only if the session does not exist), N, N counter
   * pairs (HINCRBY), field pairs (HSET). A missing session without create pairs is left alone (returns nil).
   * With a writer field, the hash remembers the writer's last applied sequence and a change at or below it is
   * skipped (created = -1): a batch replayed after a lost reply adds nothing twice. Otherwise returns
   * {created, previous expiresAt or false, HGETALL when reply = 'all'}. The expiry only ever moves forward.
   */
  relaySessionApply: `
local key = KEYS[1]
local writer = ARGV[3]
local previous
local created = 0
if writer == '' then
  previous = redis.call('HGET', key, 'x')
else
  local stored = redis.call('HMGET', key, 'x', writer)
  previous = stored[1]
  -- One writer's batches reach a session in order, so a sequence at or below the stored one is already in.
  if stored[2] and tonumber(stored[2]) >= tonumber(ARGV[4]) then created = -1 end
end
if created == 0 then
  local c = tonumber(ARGV[5])
  local i = 6
  if not previous then
    if c == 0 then return false end
    redis.call('HSET', key, unpack(ARGV, i, i + 2 * c - 1))
    created = 1
  end
  i = i + 2 * c
  local n = tonumber(ARGV[i])
  i = i + 1
  for _ = 1, n do
    redis.call('HINCRBY', key, ARGV[i], ARGV[i + 1])
    i = i + 2
  end
  if created == 1 or n > 0 or i <= #ARGV then
    local expireAt = ARGV[1]
    if previous and tonumber(previous) > tonumber(expireAt) then expireAt = previous end
    local fields = {'x', expireAt}
    if writer ~= '' then
      fields[3] = writer
      fields[4] = ARGV[4]
    end
    for j = i, #ARGV do fields[#fields + 1] = ARGV[j] end
    redis.call('HSET', key, unpack(fields))
    redis.call('PEXPIREAT', key, expireAt)
  end
end
if ARGV[2] == 'all' then return {created, previous or false, redis.call('HGETALL', key)} end
return {created, previous or false}
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

/** Defines the scripts as commands on the client (idempotent; names are prefixed to stay out of the user's way). */
export function defineRedisScripts(client: Redis | Cluster): void {
  for (const [name, lua] of Object.entries(redisScripts)) {
    if (!(name in client)) client.defineCommand(name, { numberOfKeys: 1, lua });
  }
}
