import type { Cluster, Redis } from 'ioredis';

// Server time in ms: every instance measures rates by one clock (Redis 7 replicates script effects, so TIME is allowed).
const serverNow = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
`;

/**
 * The Lua scripts of the redis backend. Each touches one key only (Redis Cluster); ioredis sends EVALSHA, and EVAL
 * once per connection. The arithmetic mirrors `limits/gcra.ts` and `limits/budget-arithmetic.ts`, which the memory
 * backend runs and the table tests check.
 */
export const redisScripts = {
  /** GCRA. KEYS[1] = rate; ARGV = periodMs, limit, units, 'take' | 'return'. Returns {granted, retryAfterMs}. */
  relayQuotaRate: `${serverNow}
local period = tonumber(ARGV[1])
local interval = period / tonumber(ARGV[2])
local units = tonumber(ARGV[3])
local stored = tonumber(redis.call('GET', KEYS[1]))
local tat
local granted = 0
local retry = 0
if ARGV[4] == 'return' then
  if not stored then return {0, 0} end
  tat = math.max(now, stored - units * interval)
else
  local start = math.max(stored or now, now)
  local allowance = math.max(0, math.floor((now + period - start) / interval + 1e-6))
  granted = math.min(units, allowance)
  tat = start + granted * interval
  if granted < units then retry = math.max(1, math.ceil(tat + interval - period - now)) end
  if granted == 0 then return {0, retry} end
end
redis.call('SET', KEYS[1], string.format('%.3f', tat), 'PX', math.max(1, math.ceil(tat - now)))
return {granted, retry}
`,
  /**
   * A budget window. KEYS[1] = the window (a counter for a calendar window, a hash of buckets for a rolling one);
   * ARGV = 'take' | 'charge', 'calendar' | 'rolling', limit, units, nowMs, then endMs ('inf' for total) or
   * bucketMs and bucket count. A take grants up to the limit; a charge adds (negative: gives back, never below 0).
   * Returns {granted, retryAfterMs}.
   */
  relayQuotaBudget: `
local take = ARGV[1] == 'take'
local limit = tonumber(ARGV[3])
local units = tonumber(ARGV[4])
local now = tonumber(ARGV[5])
local granted = units
local retry = 0
if ARGV[2] == 'calendar' then
  local used = tonumber(redis.call('GET', KEYS[1]) or '0')
  if take then
    granted = math.max(0, math.min(units, limit - used))
    if granted < units then retry = math.max(1, math.ceil(tonumber(ARGV[6]) - now)) end
  elseif used + granted < 0 then
    granted = -used
  end
  if granted ~= 0 then
    redis.call('INCRBY', KEYS[1], string.format('%d', granted))
    if ARGV[6] ~= 'inf' then redis.call('PEXPIREAT', KEYS[1], ARGV[6]) end
  end
  return {granted, retry}
end
local bucketMs = tonumber(ARGV[6])
local count = tonumber(ARGV[7])
local current = math.floor(now / bucketMs)
local buckets = redis.call('HGETALL', KEYS[1])
local used = 0
local oldest = current
local mine = 0
for i = 1, #buckets, 2 do
  local index = tonumber(buckets[i])
  local value = tonumber(buckets[i + 1])
  if index <= current - count then
    redis.call('HDEL', KEYS[1], buckets[i])
  else
    used = used + value
    if value > 0 and index < oldest then oldest = index end
    if index == current then mine = value end
  end
end
if take then
  granted = math.max(0, math.min(units, limit - used))
  if granted < units then retry = math.max(1, math.ceil((oldest + count) * bucketMs - now)) end
elseif mine + granted < 0 then
  granted = -mine
end
if granted ~= 0 then redis.call('HINCRBY', KEYS[1], string.format('%d', current), string.format('%d', granted)) end
redis.call('PEXPIRE', KEYS[1], (count + 1) * bucketMs)
return {granted, retry}
`,
  /**
   * Concurrency holdings. KEYS[1] = a hash of holder → 'count:expiresAtMs'; ARGV = holder, limit, want, ttlMs.
   * Raises the holder's count only as far as the other live holders leave room; lowers it at once. Returns the count.
   */
  relayQuotaSlots: `${serverNow}
local holdings = redis.call('HGETALL', KEYS[1])
local others = 0
local current = 0
for i = 1, #holdings, 2 do
  local value = holdings[i + 1]
  local separator = string.find(value, ':', 1, true)
  local held = tonumber(string.sub(value, 1, separator - 1))
  if tonumber(string.sub(value, separator + 1)) <= now then
    redis.call('HDEL', KEYS[1], holdings[i])
  elseif holdings[i] == ARGV[1] then
    current = held
  else
    others = others + held
  end
end
local want = tonumber(ARGV[3])
local ttl = tonumber(ARGV[4])
local count = want
if want > current then count = math.max(current, math.min(want, tonumber(ARGV[2]) - others)) end
if count <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], string.format('%d:%d', count, now + ttl))
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return count
`,
  /**
   * Reads what is used of one limit, changing nothing. KEYS[1] = the rate, budget window or slot set; ARGV = 'rate',
   * periodMs, limit | 'calendar' | 'rolling', bucketMs, bucket count, nowMs | 'slots'. Returns a count.
   */
  relayQuotaRead: `${serverNow}
local mode = ARGV[1]
if mode == 'rate' then
  local stored = tonumber(redis.call('GET', KEYS[1]))
  if not stored or stored <= now then return 0 end
  local limit = tonumber(ARGV[3])
  return math.min(limit, math.ceil((stored - now) / (tonumber(ARGV[2]) / limit) - 1e-6))
end
if mode == 'calendar' then return tonumber(redis.call('GET', KEYS[1]) or '0') end
if mode == 'rolling' then
  local bucketMs = tonumber(ARGV[2])
  local current = math.floor(tonumber(ARGV[4]) / bucketMs)
  local buckets = redis.call('HGETALL', KEYS[1])
  local used = 0
  for i = 1, #buckets, 2 do
    if tonumber(buckets[i]) > current - tonumber(ARGV[3]) then used = used + tonumber(buckets[i + 1]) end
  end
  return used
end
local holdings = redis.call('HGETALL', KEYS[1])
local held = 0
for i = 1, #holdings, 2 do
  local value = holdings[i + 1]
  local separator = string.find(value, ':', 1, true)
  if separator and tonumber(string.sub(value, separator + 1)) > now then
    held = held + tonumber(string.sub(value, 1, separator - 1))
  end
end
return held
`,
  /**
   * Ledger deltas of one key × day. KEYS[1] = the day's hash; ARGV = writer field, sequence, retentionMs, then
   * field/delta pairs (HINCRBY). The hash keeps each writer's last applied sequence: a batch at or below it is
   * already in and is skipped (returns 0), so a replay after a lost reply adds nothing twice.
   */
  relayQuotaUsage: `
local last = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if last >= tonumber(ARGV[2]) then return 0 end
for i = 4, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`,
} as const;

export type RedisScriptName = keyof typeof redisScripts;

/** The scripts as client commands (idempotent; names prefixed to stay out of the user's way). */
export function defineRedisScripts(client: Redis | Cluster): void {
  for (const [name, lua] of Object.entries(redisScripts)) {
    if (!(name in client)) client.defineCommand(name, { numberOfKeys: 1, lua });
  }
}
