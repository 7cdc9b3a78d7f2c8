import { digestsEqual, hashClientKey } from './client-key.js';

/** A client of the relay as the request path sees it: never its key. */
export interface Client {
  readonly id: string;
  readonly keyHash: string;
  readonly userId: string | undefined;
  readonly maxConcurrency: number;
}

/** Finds the client a presented key belongs to, comparing SHA-256 digests in constant time. */
export class ClientRegistry {
  readonly #byHash = new Map<string, Client>();

  constructor(clients: Iterable<Client>) {
    for (const client of clients) this.#byHash.set(client.keyHash, client);
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
