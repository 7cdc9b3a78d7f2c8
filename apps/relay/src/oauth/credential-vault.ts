import type { Cluster, Redis } from 'ioredis';
import { type OAuthCredentials, oauthCredentialsSchema } from './oauth-credentials.js';

/** Credentials as stored, with the fencing token of the refresh that wrote them. */
export interface StoredCredentials extends OAuthCredentials {
  fence: number;
}

/**
 * Where an OAuth account's current credentials live, shared by every instance that uses the account, and the
 * lock that lets exactly one of them refresh at a time. Refresh tokens rotate (a used one is dead), so a new
 * pair is persisted here before anyone uses it, and a writer whose fencing token is older than the stored one
 * is refused (it lost its lock while it waited on the token endpoint).
 */
export interface CredentialVault {
  read(accountId: string): Promise<StoredCredentials | undefined>;
  /** Stores the pair unless a refresh with a newer fencing token already did; true when stored. */
  write(accountId: string, credentials: OAuthCredentials, fence: number): Promise<boolean>;
  /** Seeds the configured pair when the vault has none (first start); resolves to what the vault holds. */
  seed(accountId: string, credentials: OAuthCredentials): Promise<StoredCredentials>;
  /** Takes the account's refresh lock for `ttlMs`; resolves to its fencing token, or undefined when held. */
  lock(accountId: string, ttlMs: number): Promise<number | undefined>;
  /** Releases the lock if this fencing token still holds it. */
  unlock(accountId: string, fence: number): Promise<void>;
}

const lockScript = `
local fence = redis.call('INCR', KEYS[2])
if redis.call('SET', KEYS[1], fence, 'NX', 'PX', ARGV[1]) then return fence end
return false
`;
const unlockScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`;
const writeScript = `
local stored = tonumber(redis.call('HGET', KEYS[1], 'fence') or '0')
if stored > tonumber(ARGV[4]) then return 0 end
redis.call('HSET', KEYS[1], 'accessToken', ARGV[1], 'refreshToken', ARGV[2], 'expiresAt', ARGV[3], 'fence', ARGV[4])
return 1
`;
const seedScript = `
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'accessToken', ARGV[1], 'refreshToken', ARGV[2], 'expiresAt', ARGV[3], 'fence', '0')
end
return redis.call('HGETALL', KEYS[1])
`;

/** The vault on the session store's Redis (standalone or Cluster: one hash tag per account). */
export class RedisCredentialVault implements CredentialVault {
  readonly #redis: Redis | Cluster;
  readonly #prefix: string;

  constructor(redis: Redis | Cluster, keyPrefix: string) {
    this.#redis = redis;
    this.#prefix = keyPrefix;
  }

  #keys(accountId: string) {
    const tag = `${this.#prefix}{oauth:${accountId}}`;
    return { credentials: `${tag}:credentials`, lock: `${tag}:lock`, fence: `${tag}:fence` };
  }

  async read(accountId: string): Promise<StoredCredentials | undefined> {
    return decode(await this.#redis.hgetall(this.#keys(accountId).credentials));
  }

  async write(accountId: string, credentials: OAuthCredentials, fence: number): Promise<boolean> {
    const stored = await this.#redis.eval(
      writeScript,
      1,
      this.#keys(accountId).credentials,
      credentials.accessToken,
      credentials.refreshToken,
      String(credentials.expiresAt),
      String(fence),
    );
    return stored === 1;
  }

  async seed(accountId: string, credentials: OAuthCredentials): Promise<StoredCredentials> {
    const flat = (await this.#redis.eval(
      seedScript,
      1,
      this.#keys(accountId).credentials,
      credentials.accessToken,
      credentials.refreshToken,
      String(credentials.expiresAt),
    )) as string[];
    const fields: Record<string, string> = {};
    for (let index = 0; index + 1 < flat.length; index += 2) fields[flat[index] as string] = flat[index + 1] as string;
    return decode(fields) ?? { ...credentials, fence: 0 };
  }

  async lock(accountId: string, ttlMs: number): Promise<number | undefined> {
    const keys = this.#keys(accountId);
    const fence = await this.#redis.eval(lockScript, 2, keys.lock, keys.fence, String(ttlMs));
    return typeof fence === 'number' ? fence : undefined;
  }

  async unlock(accountId: string, fence: number): Promise<void> {
    await this.#redis.eval(unlockScript, 1, this.#keys(accountId).lock, String(fence));
  }
}

/** A vault for one process (the memory store): the lock is in-process; `persist` writes the pair to disk. */
export class LocalCredentialVault implements CredentialVault {
  readonly #stored = new Map<string, StoredCredentials>();
  readonly #locks = new Map<string, { fence: number; until: number }>();
  readonly #persist: (accountId: string, credentials: OAuthCredentials) => void;
  #fence = 0;

  constructor(persist: (accountId: string, credentials: OAuthCredentials) => void = () => {}) {
    this.#persist = persist;
  }

  async read(accountId: string): Promise<StoredCredentials | undefined> {
    return this.#stored.get(accountId);
  }

  async write(accountId: string, credentials: OAuthCredentials, fence: number): Promise<boolean> {
    if ((this.#stored.get(accountId)?.fence ?? 0) > fence) return false;
    // Persisted before it is used: a crash right after the refresh must not lose the only live refresh token.
    this.#persist(accountId, credentials);
    this.#stored.set(accountId, { ...credentials, fence });
    return true;
  }

  async seed(accountId: string, credentials: OAuthCredentials): Promise<StoredCredentials> {
    const existing = this.#stored.get(accountId);
    if (existing) return existing;
    const stored = { ...credentials, fence: 0 };
    this.#stored.set(accountId, stored);
    return stored;
  }

  async lock(accountId: string, ttlMs: number): Promise<number | undefined> {
    const now = Date.now();
    const held = this.#locks.get(accountId);
    if (held && held.until > now) return undefined;
    this.#fence += 1;
    this.#locks.set(accountId, { fence: this.#fence, until: now + ttlMs });
    return this.#fence;
  }

  async unlock(accountId: string, fence: number): Promise<void> {
    if (this.#locks.get(accountId)?.fence === fence) this.#locks.delete(accountId);
  }
}

function decode(fields: Record<string, string>): StoredCredentials | undefined {
  if (!fields.accessToken) return undefined;
  const parsed = oauthCredentialsSchema.safeParse({
    accessToken: fields.accessToken,
    refreshToken: fields.refreshToken,
    expiresAt: Number(fields.expiresAt),
  });
  const fence = Number(fields.fence ?? '0');
  if (!parsed.success || !Number.isSafeInteger(fence)) return undefined;
  return { ...parsed.data, fence };
}
