import { readFileSync } from 'node:fs';
import type { ZodError } from 'zod';
import { ConfigError } from './config-error.js';
import { configSchema, type RelayConfig, type RelayConfigInput } from './config-schema.js';
import { applyEnvironmentOverrides } from './environment-overrides.js';
import { jsonErrorPosition } from './json-error-position.js';

/** Reads the JSON config file (if any), applies the environment, and validates; throws ConfigError naming the field. */
export function loadConfig(options: { file?: string; environment?: NodeJS.ProcessEnv } = {}): RelayConfig {
  const fileConfig = options.file ? readConfigFile(options.file) : {};
  return validateConfig(applyEnvironmentOverrides(fileConfig, options.environment ?? process.env));
}

/** Validates a config object and fills in the defaults. */
export function validateConfig(input: RelayConfigInput): RelayConfig {
  const result = configSchema.safeParse(input);
  if (result.success) {
    assertUnique(
      result.data.accounts.map((account) => account.id),
      'accounts',
    );
    assertUnique(
      result.data.clients.map((client) => client.id),
      'clients',
    );
    return result.data;
  }
  const { field, message } = describeFirstIssue(result.error);
  throw new ConfigError(`invalid config: ${field}: ${message}`, field);
}

/** The first problem of a failed validation: the dotted path of its field and what is wrong (never the value). */
export function describeFirstIssue(error: ZodError): { field: string; message: string } {
  const [issue] = error.issues;
  const field = issue ? formatPath(issue.path) : '(root)';
  const keys = issue && 'keys' in issue && Array.isArray(issue.keys) ? ` (${issue.keys.join(', ')})` : '';
  return { field, message: `${issue?.message ?? 'invalid'}${keys}` };
}

function readConfigFile(file: string): RelayConfigInput {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    return JSON.parse(text) as RelayConfigInput;
  } catch {
    // JSON.parse's message quotes the text around the error, and next to a typo in a config sits a secret.
    const position = jsonErrorPosition(text);
    const where = position ? ` at line ${position.line}, column ${position.column}` : '';
    throw new ConfigError(`config file ${file} is not valid JSON${where}`);
  }
}

function assertUnique(ids: string[], field: string): void {
  const seen = new Set<string>();
  for (const [index, id] of ids.entries()) {
    if (seen.has(id))
      throw new ConfigError(`invalid config: ${field}[${index}].id: "${id}" is used twice`, `${field}[${index}].id`);
    seen.add(id);
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.reduce<string>((text, segment) => {
    if (typeof segment === 'number') return `${text}[${segment}]`;
    return text ? `${text}.${String(segment)}` : String(segment);
  }, '');
}
