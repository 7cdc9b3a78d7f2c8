import type { RelayMetrics } from '@relay/metrics';
import type { Logger } from 'pino';
import type { Client, ClientRegistry } from '../auth/client-registry.js';
import { clientsFromConfig } from '../auth/config-clients.js';
import { type ConfigDiff, diffConfig, routesAdded, summarizeDiff } from '../config/config-diff.js';
import type { AccountConfig, RelayConfig } from '../config/config-schema.js';
import type { AccountServices } from '../scheduling/account-services.js';

export interface ConfigReloaderOptions {
  /** The config the relay started with. */
  config: RelayConfig;
  accountServices: AccountServices;
  clients: ClientRegistry;
  /** The key store's keys: read again after the config's clients change (a key a removed one shadowed returns). */
  storedKeys?: { reload(): Promise<void> };
  /**
   * Beside a Redis store: the keys of this machine's state file (source `state`), read again on each reload so
   * that one removed from the file (`relay keys revoke` without an admin token) is refused from then on.
   */
  stateClients?(): Client[];
  metrics: Pick<RelayMetrics, 'allowLabelValues'>;
  /** Opens warm connections on routes (a proxy, or `undefined`: direct) that no account used before. */
  warmUp(proxies: ReadonlyArray<string | undefined>): void;
  logger: Logger;
}

/**
 * Applies a re-read config to the running relay (`SIGHUP`) without dropping a connection or a stream: accounts
 * and clients are added, changed and removed live; any other field that differs is logged as needing a
 * restart and left as it runs. Reloads run one at a time, in the order they were asked for.
 */
export class ConfigReloader {
  readonly #options: ConfigReloaderOptions;
  #running: RelayConfig;
  #queue: Promise<unknown> = Promise.resolve();
  // Account ids named in the metrics: every id configured since the start (bounded by the config), so that a
  // removed account's requests still in flight are counted under its name.
  readonly #accountLabels: Set<string>;

  constructor(options: ConfigReloaderOptions) {
    this.#options = options;
    this.#running = options.config;
    this.#accountLabels = new Set(options.config.accounts.map((account) => account.id));
  }

  /** The config running now: the start's, with the accounts and clients of the reloads applied since. */
  get config(): RelayConfig {
    return this.#running;
  }

  /** Applies `next` (validated) after the reloads asked for before it; resolves with what differed. */
  reload(next: RelayConfig): Promise<ConfigDiff> {
    const applied = this.#queue.then(() => this.#apply(next));
    this.#queue = applied.catch(() => {});
    return applied;
  }

  async #apply(next: RelayConfig): Promise<ConfigDiff> {
    const { accountServices, clients, metrics, logger } = this.#options;
    const running = this.#running;
    const diff = diffConfig(running, next);
    if (diff.needsRestart.length > 0) {
      logger.warn({ fields: diff.needsRestart }, 'config reload: these fields need a restart and were not applied');
    }

    for (const account of next.accounts) this.#accountLabels.add(account.id);
    metrics.allowLabelValues('account', [...this.#accountLabels]);

    // What runs per account, by id, as each change is applied: a change that fails keeps the account as it was.
    const accounts = new Map(running.accounts.map((account) => [account.id, account]));
    const attempt = async (id: string, action: string, apply: () => Promise<void> | void) => {
      try {
        await apply();
      } catch (error) {
        logger.error(
          { account: id, error: (error as Error).message },
          `config reload: could not ${action} the account`,
        );
      }
    };
    for (const id of diff.accounts.removed) {
      await attempt(id, 'remove', () => {
        accountServices.removeAccount(id);
        accounts.delete(id);
      });
    }
    for (const change of diff.accounts.changed) {
      await attempt(change.id, 'change', async () => {
        await accountServices.updateAccount(change.config, change.fields);
        accounts.set(change.id, change.config);
      });
    }
    for (const added of diff.accounts.added) {
      await attempt(added.id, 'add', async () => {
        await accountServices.addAccount(added);
        accounts.set(added.id, added);
      });
    }

    // The client label of the metrics follows the registry (ClientLabels): the added keys are named from here on.
    clients.replaceSource('config', clientsFromConfig(next.clients));
    if (this.#options.stateClients) {
      try {
        clients.replaceSource('state', this.#options.stateClients());
      } catch (error) {
        logger.error(
          { error: (error as Error).message },
          "config reload: could not read the state file's client keys; keeping the ones read before",
        );
      }
    }
    await this.#options.storedKeys?.reload();

    const nowRunning = orderedLike(next.accounts, accounts);
    if (running.upstream.warmup) {
      const routes = routesAdded(running.accounts, nowRunning);
      if (routes.length > 0) this.#options.warmUp(routes);
    }
    this.#running = { ...running, accounts: nowRunning, clients: next.clients };
    logger.info(summarizeDiff(diff), 'config reloaded');
    return diff;
  }
}

// The accounts in the order of the re-read config; one whose removal failed stays at the end.
function orderedLike(order: readonly AccountConfig[], byId: ReadonlyMap<string, AccountConfig>): AccountConfig[] {
  const ordered = order.flatMap((account) => {
    const applied = byId.get(account.id);
    return applied ? [applied] : [];
  });
  const listed = new Set(order.map((account) => account.id));
  return [...ordered, ...[...byId.values()].filter((account) => !listed.has(account.id))];
}
