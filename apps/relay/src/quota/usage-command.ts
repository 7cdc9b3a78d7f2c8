import type { RelayConfig } from '../config/config-schema.js';
import { callAdminApi } from '../keys/admin-keys-client.js';
import { adminUrlOf } from '../keys/admin-url.js';
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

/**
 * `relay usage`: asks the running relay's admin API (`GET /admin/usage`) and returns a table, or the JSON with
 * `--json`. The relay is `--url`, else where the config says it listens; the token `--admin-token`, else
 * `RELAY_ADMIN_TOKEN` or the config's `admin.token`. Throws with a message for the user.
 */
export async function runUsageCommand(command: UsageCommand, config: RelayConfig, nowMs = Date.now()): Promise<string> {
  const token = command.adminToken ?? config.admin.token;
  if (!token) {
    throw new Error('relay usage needs the admin token: --admin-token, RELAY_ADMIN_TOKEN or admin.token in the config');
  }
  const url = command.url ?? adminUrlOf(config.listen);
  const report = (await callAdminApi(
    url,
    token,
    'GET',
    `/admin/usage?${usageParameters(command, nowMs)}`,
  )) as UsageReport;
  return command.json ? JSON.stringify(report, null, 2) : formatUsageTable(report);
}
