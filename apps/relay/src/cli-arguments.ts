import { parseArgs } from 'node:util';
import type { KeyLimits } from '@relay/quota';
import { type BudgetOption, parseBudgetOption } from './keys/budget-option.js';
import { parseExpiresOption } from './keys/expires-option.js';
import type { UsageCommand } from './quota/usage-command.js';

/** What the command line asked for. */
export type CliCommand =
  | { kind: 'serve'; configFile: string | undefined; demo: boolean; workers: number }
  | {
      kind: 'keys';
      configFile: string | undefined;
      /** The running relay's admin API (default: the config's listen address). */
      url: string | undefined;
      /** Else RELAY_ADMIN_TOKEN or the config's admin.token; with none, the state file is written directly. */
      adminToken: string | undefined;
      action: KeysAction;
    }
  | { kind: 'import-account'; configFile: string; credentialsFile: string; id: string | undefined }
  | ({ kind: 'usage' } & UsageCommand)
  | { kind: 'help' };

/** What `relay keys …` asks for. */
export type KeysAction =
  | {
      name: 'create';
      id: string | undefined;
      userId?: string;
      models?: string[];
      /** Epoch ms. */
      expiresAt?: number;
      limits?: KeyLimits;
    }
  | { name: 'list'; json: boolean }
  | { name: 'revoke'; id: string };

export const usage = `Usage:
  relay [--config FILE] [--demo] [--workers N]   start the relay
  relay keys create --id NAME [--rpm N] [--tpm N] [--concurrency N] [--budget 20usd/day]...
                    [--models GLOB,...]... [--expires 30d|ISO] [--user ID]
                                                 create a client key: printed once, only its hash is kept
  relay keys list [--json]                       the client keys: limits, expiry, last use (never a key)
  relay keys revoke ID                           revoke a key on every instance (within 1 s)
  relay accounts import --claude-credentials FILE [--id NAME] --config FILE
                                                 add an OAuth account from Claude Code's credentials file
                                                 to the config file (the relay refreshes its token)
  relay usage [--key ID] [--account ID] [--model ID] [--since 7d|YYYY-MM-DD] [--to YYYY-MM-DD]
              [--group-by day|key|account|model] [--json] [--url URL] [--admin-token TOKEN] [--config FILE]
                                                 usage and cost from the running relay's ledger (GET /admin/usage);
                                                 the token also from RELAY_ADMIN_TOKEN or the config's admin.token
  relay --help

  --config FILE   JSON config; every field can also come from the environment (RELAY_<SECTION>__<FIELD>)
  --demo          also start @relay/mock-anthropic and point an account at it (no Anthropic key needed)
  --workers N     run N processes sharing the port (use a redis or hybrid store to share sessions)

  relay keys talks to the running relay's admin API: --url URL (default: the config's listen address) with
  --admin-token TOKEN (else RELAY_ADMIN_TOKEN, else the config's admin.token). Without any admin token it
  writes the state file (state.file) directly, as the memory store keeps keys there.
  --rpm N, --tpm N    requests, tokens per minute      --concurrency N   requests in flight across instances
  --budget D/W        dollars per window (5h, day, week, month, total), repeatable: --budget 20usd/day
  --models GLOBS      model patterns the key may use (* matches anything), comma-separated or repeated
  --expires WHEN      a duration (90m, 12h, 30d, 2w) or an ISO 8601 date (2026-01-31)`;

/** Parses the relay's command line (`now` resolves `--expires 30d`); throws with a message fit for the user on bad input. */
export function parseCliArguments(argv: readonly string[], now = Date.now()): CliCommand {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string', short: 'c' },
      demo: { type: 'boolean', default: false },
      workers: { type: 'string', short: 'w' },
      id: { type: 'string' },
      'claude-credentials': { type: 'string' },
      url: { type: 'string' },
      'admin-token': { type: 'string' },
      rpm: { type: 'string' },
      tpm: { type: 'string' },
      concurrency: { type: 'string' },
      budget: { type: 'string', multiple: true },
      models: { type: 'string', multiple: true },
      expires: { type: 'string' },
      user: { type: 'string' },
      json: { type: 'boolean', default: false },
      key: { type: 'string' },
      account: { type: 'string' },
      model: { type: 'string' },
      since: { type: 'string' },
      to: { type: 'string' },
      'group-by': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { kind: 'help' };
  if (positionals[0] === 'keys') {
    return {
      kind: 'keys',
      configFile: values.config,
      url: values.url,
      adminToken: values['admin-token'],
      action: keysAction(positionals.slice(1), values, now),
    };
  }
  if (positionals[0] === 'accounts') {
    if (positionals[1] !== 'import' || positionals.length > 2)
      throw new Error('unknown command: did you mean "relay accounts import"?');
    const credentialsFile = values['claude-credentials'];
    if (!credentialsFile) throw new Error('relay accounts import needs --claude-credentials FILE');
    if (!values.config)
      throw new Error('relay accounts import needs --config FILE (the file it writes the account into)');
    return { kind: 'import-account', configFile: values.config, credentialsFile, id: values.id };
  }
  if (positionals[0] === 'usage') {
    if (positionals.length > 1) throw new Error('unknown command: "relay usage" takes options only');
    return {
      kind: 'usage',
      configFile: values.config,
      url: values.url,
      adminToken: values['admin-token'],
      keyId: values.key,
      accountId: values.account,
      model: values.model,
      since: values.since,
      to: values.to,
      groupBy: values['group-by'],
      json: values.json,
    };
  }
  if (positionals.length > 0) throw new Error(`unknown command "${positionals.join(' ')}"`);
  const workers = values.workers === undefined ? 1 : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 256)
    throw new Error('--workers must be an integer from 1 to 256');
  return { kind: 'serve', configFile: values.config, demo: values.demo, workers };
}

interface KeyOptionValues {
  id?: string | undefined;
  rpm?: string | undefined;
  tpm?: string | undefined;
  concurrency?: string | undefined;
  budget?: string[] | undefined;
  models?: string[] | undefined;
  expires?: string | undefined;
  user?: string | undefined;
  json?: boolean | undefined;
}

function keysAction(positionals: readonly string[], values: KeyOptionValues, now: number): KeysAction {
  const [name, ...rest] = positionals;
  if (name === 'create' && rest.length === 0) {
    const budgets: BudgetOption[] = (values.budget ?? []).map(parseBudgetOption);
    const limits = {
      ...optionalCount('--rpm', values.rpm, 'requestsPerMinute'),
      ...optionalCount('--tpm', values.tpm, 'tokensPerMinute'),
      ...optionalCount('--concurrency', values.concurrency, 'concurrency'),
      ...(budgets.length > 0 ? { budgets } : {}),
    } as KeyLimits;
    const models = (values.models ?? []).flatMap((list) => list.split(',')).map((model) => model.trim());
    if (models.some((model) => model.length === 0)) throw new Error('--models: an empty model pattern');
    return {
      name: 'create',
      id: values.id,
      ...(values.user !== undefined ? { userId: values.user } : {}),
      ...(models.length > 0 ? { models } : {}),
      ...(values.expires !== undefined ? { expiresAt: parseExpiresOption(values.expires, now) } : {}),
      ...(Object.keys(limits).length > 0 ? { limits } : {}),
    };
  }
  if (name === 'list' && rest.length === 0) return { name: 'list', json: values.json === true };
  if (name === 'revoke' && rest.length === 1) return { name: 'revoke', id: rest[0] as string };
  if (name === 'revoke') throw new Error('relay keys revoke needs exactly one key id: relay keys revoke ID');
  throw new Error('unknown command: did you mean "relay keys create", "relay keys list" or "relay keys revoke ID"?');
}

function optionalCount(flag: string, value: string | undefined, field: string): Record<string, number> {
  if (value === undefined) return {};
  const count = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(count) || count < 1) {
    throw new Error(`${flag} must be a positive integer`);
  }
  return { [field]: count };
}
