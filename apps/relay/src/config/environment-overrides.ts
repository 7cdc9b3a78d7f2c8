import type { RelayConfigInput } from './config-schema.js';

type JsonObject = Record<string, unknown>;

/** Environment variables with a name of their own, as the ecosystem spells them. */
const namedVariables: Record<string, string> = {
  ANTHROPIC_BASE_URL: 'upstream.baseUrl',
  REDIS_URL: 'sessions.redisUrl',
  RELAY_ADMIN_TOKEN: 'admin.token',
};

const genericPrefix = 'RELAY_';

/**
 * Applies the environment over a config file's content. Every field can be set as
 * `RELAY_<SECTION>__<FIELD>` in SCREAMING_SNAKE_CASE (`RELAY_LISTEN__PORT=8080`,
 * `RELAY_SESSIONS__SYNC_INTERVAL_MS=500`, `RELAY_ACCOUNTS='[...]'` as JSON); values are read as JSON when they
 * parse, else as strings. `ANTHROPIC_API_KEY` adds an account named `env`.
 */
export function applyEnvironmentOverrides(
  fileConfig: RelayConfigInput,
  environment: NodeJS.ProcessEnv,
): RelayConfigInput {
  const merged = structuredClone(fileConfig) as JsonObject;
  for (const [name, value] of Object.entries(environment)) {
    if (value === undefined || value === '') continue;
    const namedPath = namedVariables[name];
    if (namedPath) {
      setPath(merged, namedPath.split('.'), value);
    } else if (name.startsWith(genericPrefix) && name !== 'RELAY_ADMIN_TOKEN') {
      const path = name.slice(genericPrefix.length).split('__').map(snakeToCamel);
      if (path.every(Boolean)) setPath(merged, path, parseValue(value));
    }
  }
  const apiKey = environment.ANTHROPIC_API_KEY;
  if (apiKey) {
    const accounts = Array.isArray(merged.accounts) ? merged.accounts : [];
    if (!accounts.some((account) => (account as JsonObject).id === 'env')) {
      merged.accounts = [...accounts, { id: 'env', apiKey }];
    }
  }
  return merged as RelayConfigInput;
}

function snakeToCamel(segment: string): string {
  return segment.toLowerCase().replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

function parseValue(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function setPath(target: JsonObject, path: string[], value: unknown): void {
  let cursor = target;
  for (const segment of path.slice(0, -1)) {
    const next = cursor[segment];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) cursor[segment] = {};
    cursor = cursor[segment] as JsonObject;
  }
  cursor[path.at(-1) as string] = value;
}
