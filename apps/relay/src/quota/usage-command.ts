import type { RelayConfig } from '../config/config-schema.js';
import type { UsageReport } from './usage-report.js';
import { formatUsageTable } from './usage-table.js';

/** What `relay usage` was asked. */
export interface UsageCommand {
  configFile: string | undefined;
  url: string | undefined;
  adminToken: string | undefined;
  keyId: string | undefined;
  accountId: string | undefined;
  model: string | undefined;
  /** `7d` (the last seven days, today included) or a date `YYYY-MM-DD`. */
  since: string | undefined;
  to: string | undefined;
  groupBy: string | undefined;
  json: boolean;
}

const dayMs = 86_400_000;

/** The first day of `--since`: `Nd` is the last N days with today, else the date as given; throws when neither. */
export function sinceDate(since: string, nowMs: number): string {
  const days = /^([1-9][0-9]{0,2})d$/.exec(since);
  if (days)
    return new Date(Math.floor(nowMs / dayMs) * dayMs - (Number(days[1]) - 1) * dayMs).toISOString().slice(0, 10);
  if (/^\d{4}-\d{2}-\d{2}$/.test(since)) return since;
  throw new Error('--since must be a number of days (7d) or a date (YYYY-MM-DD)');
}

/** The query of `GET /admin/usage` for the command (the relay validates it and names a bad parameter). */
export function usageParameters(command: UsageCommand, nowMs: number): URLSearchParams {
  const parameters = new URLSearchParams();
  if (command.keyId) parameters.set('keyId', command.keyId);
  if (command.accountId) parameters.set('accountId', command.accountId);
  if (command.model) parameters.set('model', command.model);
  if (command.since) parameters.set('from', sinceDate(command.since, nowMs));
  if (command.to) parameters.set('to', command.to);
  if (command.groupBy) parameters.set('groupBy', command.groupBy);
  return parameters;
}

/** The running relay's URL as its config says it listens (a wildcard address is reached on loopback). */
export function relayUrl(config: RelayConfig): string {
  const host = config.listen.host;
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${config.listen.port}`;
}

/**
 * `relay usage`: asks the running relay's admin API (`GET /admin/usage`) and prints a table, or the JSON with
 * `--json`. The relay is `--url`, else where the config says it listens; the token `--admin-token`, else
 * `RELAY_ADMIN_TOKEN`, else the config's `admin.token`. Returns the text to print; throws with a message for the user.
 */
export async function runUsageCommand(command: UsageCommand, config: RelayConfig, nowMs = Date.now()): Promise<string> {
  const token = command.adminToken ?? config.admin.token;
  if (!token)
    throw new Error('relay usage needs the admin token: --admin-token, RELAY_ADMIN_TOKEN or admin.token in the config');
  const base = (command.url ?? relayUrl(config)).replace(/\/$/, '');
  const url = `${base}/admin/usage?${usageParameters(command, nowMs)}`;
  let response: Response;
  try {
    response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    throw new Error(`cannot reach the relay at ${base} (${(error as Error).cause ?? (error as Error).message})`);
  }
  const text = await response.text();
  if (response.status !== 200) {
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
    } catch {}
    throw new Error(`the relay answered ${response.status}: ${message}`);
  }
  if (command.json) return text;
  return formatUsageTable(JSON.parse(text) as UsageReport);
}
