import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseClaudeCredentials } from './oauth-credentials.js';

export interface ImportClaudeCredentialsOptions {
  /** The relay's JSON config file: the account is added to (or replaced in) its `accounts`. */
  configFile: string;
  /** Claude Code's `~/.claude/.credentials.json`. */
  credentialsFile: string;
  /** The account's id. Default `claude-<n>`, the first free one. */
  id?: string | undefined;
}

const accountId = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * `relay accounts import --claude-credentials FILE [--id NAME]`: writes an OAuth account with the file's
 * access token, refresh token and expiry into the config file (atomically, mode 0600: it holds a secret).
 * Returns the id and whether an account of that id was replaced. Never prints a token.
 */
export function importClaudeCredentials(options: ImportClaudeCredentialsOptions): { id: string; replaced: boolean } {
  const credentials = parseClaudeCredentials(readFileSync(options.credentialsFile, 'utf8'));
  let config: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(options.configFile, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error(`${options.configFile} does not hold a JSON object`);
    }
    config = parsed as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      if (error instanceof SyntaxError) throw new Error(`${options.configFile} is not valid JSON`);
      throw error;
    }
  }
  const accounts = Array.isArray(config.accounts) ? [...(config.accounts as Array<Record<string, unknown>>)] : [];
  const taken = new Set(accounts.map((account) => String(account.id)));
  let id = options.id;
  if (id === undefined) {
    let index = 1;
    while (taken.has(`claude-${index}`)) index += 1;
    id = `claude-${index}`;
  }
  if (!accountId.test(id)) throw new Error('--id: letters, digits, ".", "_" and "-" only, at most 64');
  const existing = accounts.findIndex((account) => account.id === id);
  const previous = existing === -1 ? {} : (accounts[existing] as Record<string, unknown>);
  const { apiKey: _apiKey, oauthToken: _oauthToken, ...kept } = previous;
  const account = { ...kept, id, oauth: credentials };
  if (existing === -1) accounts.push(account);
  else accounts[existing] = account;
  const temporary = `${options.configFile}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ ...config, accounts }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, options.configFile);
  return { id, replaced: existing !== -1 };
}
