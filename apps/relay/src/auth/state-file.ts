import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { OAuthCredentials } from '../oauth/oauth-credentials.js';
import { generateClientKey, hashClientKey } from './client-key.js';
import { withFileLock } from './file-lock.js';

/**
 * A client key kept in the state file: only its hash. `relay keys create` (without an admin token) and a first
 * start write `id`, `keyHash` and `createdAt`; the key store of the memory session store adds the rest. Times
 * are ISO 8601 strings, so that the file reads well.
 */
export interface StoredClientKey {
  id: string;
  keyHash: string;
  createdAt: string;
  userId?: string;
  models?: string[];
  expiresAt?: string;
  limits?: Record<string, unknown>;
  lastUsedAt?: string;
}

interface StateFileContent {
  version: 1;
  clients: StoredClientKey[];
  /** OAuth credentials refreshed since the config was written (the config's refresh token is dead then). */
  oauth?: Record<string, OAuthCredentials>;
}

/**
 * The relay's own state on disk (client key hashes, refreshed OAuth pairs), written atomically with mode 0600.
 * Every change is a read-modify-write under a lock file, so that processes sharing the file (workers, the
 * `relay keys` command) never lose each other's changes.
 */
export class StateFile {
  constructor(readonly path: string) {}

  /** The stored client keys; none when the file does not exist yet. */
  read(): StoredClientKey[] {
    return clientsOf(this.#content());
  }

  /** The OAuth credentials of `accountId` refreshed by an earlier run, if any. */
  readOAuthCredentials(accountId: string): OAuthCredentials | undefined {
    const stored = this.#content().oauth?.[accountId];
    return stored && typeof stored.refreshToken === 'string' ? stored : undefined;
  }

  /** Keeps a refreshed pair (before it is used: the old refresh token is dead from now on). */
  writeOAuthCredentials(accountId: string, credentials: OAuthCredentials): void {
    this.#change((content) => ({ ...content, oauth: { ...content.oauth, [accountId]: credentials } }));
  }

  /**
   * Changes the stored client keys: `change` gets the current ones (read under the lock) and returns the new
   * list, or undefined to write nothing. Resolves to what `change` returned.
   */
  updateClientKeys(
    change: (clients: StoredClientKey[]) => StoredClientKey[] | undefined,
  ): StoredClientKey[] | undefined {
    let result: StoredClientKey[] | undefined;
    this.#change((content) => {
      result = change(clientsOf(content));
      return result && { ...content, clients: result };
    });
    return result;
  }

  /** Generates a key, stores its hash under `id` (a free `client-N` name by default) and returns the key once. */
  createClientKey(id?: string): { id: string; key: string } {
    const key = generateClientKey();
    let chosenId = id;
    this.updateClientKeys((clients) => {
      chosenId = id ?? nextFreeClientId(clients.map((client) => client.id));
      if (clients.some((client) => client.id === chosenId)) throw new Error(`a client key named "${chosenId}" exists`);
      return [...clients, { id: chosenId, keyHash: hashClientKey(key), createdAt: new Date().toISOString() }];
    });
    return { id: chosenId as string, key };
  }

  #content(): Partial<StateFileContent> {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    return JSON.parse(text) as Partial<StateFileContent>;
  }

  #change(change: (content: Partial<StateFileContent>) => Partial<StateFileContent> | undefined): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    withFileLock(this.path, () => {
      const next = change(this.#content());
      if (!next) return;
      this.#write({ version: 1, ...next, clients: clientsOf(next) } as StateFileContent);
    });
  }

  #write(content: StateFileContent): void {
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, this.path);
  }
}

function clientsOf(content: Partial<StateFileContent>): StoredClientKey[] {
  return Array.isArray(content.clients) ? content.clients : [];
}

/** The first `client-N` name not in `ids`: the id of a key created without one. */
export function nextFreeClientId(ids: Iterable<string>): string {
  const taken = new Set(ids);
  let index = 1;
  while (taken.has(`client-${index}`)) index += 1;
  return `client-${index}`;
}
