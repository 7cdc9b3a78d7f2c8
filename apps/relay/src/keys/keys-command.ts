import { resolve } from 'node:path';
import pino from 'pino';
import { ClientRegistry } from '../auth/client-registry.js';
import { clientsFromConfig } from '../auth/config-clients.js';
import { nextFreeClientId, StateFile } from '../auth/state-file.js';
import type { KeysAction } from '../cli-arguments.js';
import type { RelayConfig } from '../config/config-schema.js';
import { AdminKeysClient } from './admin-keys-client.js';
import { adminUrlOf } from './admin-url.js';
import { parseCreateKeyInput } from './key-input.js';
import { describeLimits, formatKeyTable } from './key-table.js';
import type { KeyView } from './key-view.js';
import { StateFileKeyStore } from './state-file-key-store.js';
import { StoredKeys } from './stored-keys.js';

export interface KeysCommandOptions {
  action: KeysAction;
  config: RelayConfig;
  /** `--url`; else the config's listen address. */
  url: string | undefined;
  /** `--admin-token`; else the config's `admin.token` (which `RELAY_ADMIN_TOKEN` sets). */
  adminToken: string | undefined;
  print(text: string): void;
}

/**
 * `relay keys create|list|revoke`: through the running relay's admin API when an admin token is known (the keys
 * reach every instance at once), else on the state file directly (the key store of the memory session store, and
 * what `relay keys create` always did).
 */
export async function runKeysCommand(options: KeysCommandOptions): Promise<void> {
  const adminToken = options.adminToken ?? options.config.admin.token;
  if (adminToken) {
    await throughAdminApi(options, new AdminKeysClient(options.url ?? adminUrlOf(options.config.listen), adminToken));
  } else {
    await onStateFile(options);
  }
}

async function throughAdminApi(options: KeysCommandOptions, api: AdminKeysClient): Promise<void> {
  const { action, print } = options;
  if (action.name === 'create') {
    const id = action.id ?? nextFreeClientId((await api.list()).map((view) => view.id));
    const created = await api.create({
      id,
      ...(action.userId !== undefined ? { userId: action.userId } : {}),
      ...(action.models ? { models: action.models } : {}),
      ...(action.expiresAt !== undefined ? { expiresAt: new Date(action.expiresAt).toISOString() } : {}),
      ...(action.limits ? { limits: action.limits } : {}),
    });
    print(
      `relay: created client key "${created.id}" on ${api.url} (shown once; only its hash is kept in the key store):\n` +
        `  ${created.key}\n${describe(created)}`.trimEnd(),
    );
  } else if (action.name === 'list') {
    const views = await api.list();
    print(action.json ? JSON.stringify(views, null, 2) : formatKeyTable(views));
  } else {
    await api.revoke(action.id);
    print(`relay: revoked client key "${action.id}": every relay instance refuses it within a second`);
  }
}

async function onStateFile(options: KeysCommandOptions): Promise<void> {
  const { action, config, print } = options;
  const stateFile = new StateFile(resolve(config.state.file));
  const keys = new StoredKeys({
    store: new StateFileKeyStore({ stateFile }),
    clients: new ClientRegistry(clientsFromConfig(config.clients)),
    logger: pino({ level: 'silent' }),
  });
  await keys.start();
  try {
    if (action.name === 'create') {
      const id = action.id ?? nextFreeClientId((await keys.list()).map((view) => view.id));
      const { name: _name, ...input } = action;
      // Validated as the admin API validates: a record the store would refuse on reading is never written.
      const { key, view } = await keys.create(parseCreateKeyInput({ ...input, id }));
      print(
        `relay: created client key "${id}" (shown once; only its hash is kept in ${stateFile.path}):\n  ${key}\n` +
          describe(view) +
          '  (no admin token, so the state file was written directly: a running relay with the memory store picks the key up within a second)',
      );
    } else if (action.name === 'list') {
      const views = await keys.list();
      print(action.json ? JSON.stringify(views, null, 2) : formatKeyTable(views));
    } else {
      await keys.revoke(action.id);
      print(
        `relay: revoked client key "${action.id}" in ${stateFile.path}` +
          (config.sessions.store === 'memory'
            ? ''
            : '\n  (beside a Redis store a running relay drops it on SIGHUP: send it one)'),
      );
    }
  } finally {
    await keys.close();
  }
}

function describe(view: KeyView): string {
  const lines = [
    view.userId !== undefined ? `  user: ${view.userId}` : '',
    view.models ? `  models: ${view.models.join(', ')}` : '',
    view.expiresAt ? `  expires: ${view.expiresAt}` : '',
    view.limits ? `  limits: ${describeLimits(view.limits)}` : '',
  ].filter(Boolean);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
