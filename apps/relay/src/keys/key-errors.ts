import type { ClientSource } from '../auth/client-registry.js';

/** The base class of the key store's failures (the admin API turns each into its status). */
export class KeyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeyError';
  }
}

/** `POST /admin/keys` with an id that is taken (in the store, the config file or the state file). */
export class KeyExistsError extends KeyError {
  readonly code = 'RELAY_ERR_KEYS_EXISTS' as const;
  constructor(
    readonly id: string,
    source: ClientSource,
  ) {
    super(
      source === 'config'
        ? `a client key named "${id}" is in the config file: choose another id`
        : `a client key named "${id}" exists`,
    );
    this.name = 'KeyExistsError';
  }
}

/** No stored key has this id. */
export class KeyNotFoundError extends KeyError {
  readonly code = 'RELAY_ERR_KEYS_NOT_FOUND' as const;
  constructor(readonly id: string) {
    super(`no client key named "${id}"`);
    this.name = 'KeyNotFoundError';
  }
}

/** A key of the config file (or of this machine's state file, beside a Redis store): not changed through the API. */
export class KeyNotManagedError extends KeyError {
  readonly code = 'RELAY_ERR_KEYS_NOT_MANAGED' as const;
  constructor(
    readonly id: string,
    source: ClientSource,
  ) {
    super(
      source === 'config'
        ? `the client key "${id}" comes from the config file: change or remove it there (SIGHUP reloads the file)`
        : `the client key "${id}" is in this relay's state file, not in the shared key store: remove it from state.file (relay keys revoke without an admin token), then send the relay SIGHUP`,
    );
    this.name = 'KeyNotManagedError';
  }
}

/** The key store (Redis, the state file) could not be reached or written. */
export class KeyStoreUnavailableError extends KeyError {
  readonly code = 'RELAY_ERR_KEYS_STORE_UNAVAILABLE' as const;
  constructor(cause: unknown) {
    super('the key store is unavailable; try again shortly', { cause });
    this.name = 'KeyStoreUnavailableError';
  }
}
