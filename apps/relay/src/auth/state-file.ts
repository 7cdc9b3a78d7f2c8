import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { OAuthCredentials } from '../oauth/oauth-credentials.js';
import { generateClientKey, hashClientKey } from './client-key.js';

/** A client key the relay generated: only its hash is kept on disk. */
export interface StoredClientKey {
  id: string;
  keyHash: string;
  createdAt: string;
}

interface StateFileContent {
  version: 1;
  clients: StoredClientKey[];
  /** OAuth credentials refreshed since the config was written (the config's refresh token is dead then). */
  oauth?: Record<string, OAuthCredentials>;
}

/** The relay's own state on disk (generated client key hashes), written atomically with mode 0600. */
export class StateFile {
  constructor(readonly path: string) {}

  /** The stored client keys; none when the file does not exist yet. */
  read(): StoredClientKey[] {
    const content = this.#content();
    return Array.isArray(content.clients) ? content.clients : [];
  }

  /** The OAuth credentials of `accountId` refreshed by an earlier run, if any. */
  readOAuthCredentials(accountId: string): OAuthCredentials | undefined {
    const stored = this.#content().oauth?.[accountId];
    return stored && typeof stored.refreshToken === 'string' ? stored : undefined;
  }

  /** Keeps a refreshed pair (before it is used: the old refresh token is dead from now on). */
  writeOAuthCredentials(accountId: string, credentials: OAuthCredentials): void {
    const content = this.#content();
    this.#write({
      version: 1,
      clients: Array.isArray(content.clients) ? content.clients : [],
      oauth: { ...content.oauth, [accountId]: credentials },
    });
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

  /** Generates a key, stores its hash under `id` (a free `client-N` name by default) and returns the key once. */
  createClientKey(id?: string): { id: string; key: string } {
    const clients = this.read();
    const chosenId = id ?? nextFreeId(clients);
    if (clients.some((client) => client.id === chosenId)) throw new Error(`a client key named "${chosenId}" exists`);
    const key = generateClientKey();
    clients.push({ id: chosenId, keyHash: hashClientKey(key), createdAt: new Date().toISOString() });
    const { oauth } = this.#content();
    this.#write({ version: 1, clients, ...(oauth ? { oauth } : {}) });
    return { id: chosenId, key };
  }

  #write(content: StateFileContent): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, this.path);
  }
}

function nextFreeId(clients: StoredClientKey[]): string {
  const taken = new Set(clients.map((client) => client.id));
  let index = 1;
  while (taken.has(`client-${index}`)) index += 1;
  return `client-${index}`;
}
