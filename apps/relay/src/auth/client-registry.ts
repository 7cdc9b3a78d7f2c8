import type { KeyLimits } from '@relay/quota';
import { digestsEqual, hashClientKey } from './client-key.js';

/** Where a client key comes from: the config file, the state file's generated keys, or the shared key store. */
export type ClientSource = 'config' | 'state' | 'store';

/** A client of the relay as the request path sees it: never its key. */
export interface Client {
  readonly id: string;
  readonly keyHash: string;
  readonly userId: string | undefined;
  /** Requests in flight at once in this process. */
  readonly maxConcurrency: number;
  /** Model patterns the key may use (`*` matches any run of characters); undefined: every model. */
  readonly models?: readonly string[];
  /** Epoch ms after which the key is refused with 401; undefined: never. */
  readonly expiresAt?: number;
  /** Rate limits, concurrency across instances and cost budgets; undefined: none. */
  readonly limits?: KeyLimits;
  readonly source?: ClientSource;
}

/**
 * Finds the client a presented key belongs to, comparing SHA-256 digests in constant time. Clients can be
 * added, replaced and removed at runtime (the admin keys API, `SIGHUP`): a removed key is refused from the
 * next request on.
 */
export class ClientRegistry {
  readonly #byHash = new Map<string, Client>();
  readonly #byId = new Map<string, Client>();
  readonly #addedListeners = new Set<(added: readonly Client[]) => void>();

  constructor(clients: Iterable<Client> = []) {
    for (const client of clients) this.#put(client);
  }

  get size(): number {
    return this.#byHash.size;
  }

  /** The client of `presentedKey`, or undefined for an unknown key. */
  authenticate(presentedKey: string): Client | undefined {
    const digest = hashClientKey(presentedKey);
    const candidate = this.#byHash.get(digest);
    // The map narrows to one candidate by digest; the final comparison is constant-time all the same.
    return candidate && digestsEqual(candidate.keyHash, digest) ? candidate : undefined;
  }

  get(id: string): Client | undefined {
    return this.#byId.get(id);
  }

  list(): Client[] {
    return [...this.#byId.values()];
  }

  /** Calls `listener` with the clients each `upsert` or `replaceSource` adds or replaces (after it is done). */
  onAdded(listener: (added: readonly Client[]) => void): void {
    this.#addedListeners.add(listener);
  }

  /** Adds `client`, or replaces the client with its id (its old key stops working if the hash changed). */
  upsert(client: Client): void {
    this.#put(client);
    this.#tellAdded([client]);
  }

  /** Removes the client `id`; true when there was one. */
  remove(id: string): boolean {
    const client = this.#byId.get(id);
    if (!client) return false;
    this.#byId.delete(id);
    if (this.#byHash.get(client.keyHash) === client) this.#byHash.delete(client.keyHash);
    return true;
  }

  /** Makes the clients of `source` exactly `clients`: the others of that source are removed. */
  replaceSource(source: ClientSource, clients: Iterable<Client>): void {
    const keep = new Set<string>();
    const added: Client[] = [];
    for (const client of clients) {
      const sourced = { ...client, source };
      this.#put(sourced);
      added.push(sourced);
      keep.add(client.id);
    }
    for (const client of this.list()) {
      if ((client.source ?? 'config') === source && !keep.has(client.id)) this.remove(client.id);
    }
    this.#tellAdded(added);
  }

  #put(client: Client): void {
    this.remove(client.id);
    const holder = this.#byHash.get(client.keyHash);
    if (holder) this.#byId.delete(holder.id);
    this.#byHash.set(client.keyHash, client);
    this.#byId.set(client.id, client);
  }

  #tellAdded(added: readonly Client[]): void {
    for (const listener of this.#addedListeners) listener(added);
  }
}

/** The key a client presented: `x-api-key`, else `Authorization: Bearer <key>`. */
export function presentedKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey) return apiKey;
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && authorization.length > 7 && /^bearer /i.test(authorization)) {
    return authorization.slice(7).trim() || undefined;
  }
  return undefined;
}
