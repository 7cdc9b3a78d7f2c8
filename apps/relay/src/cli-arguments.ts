import { parseArgs } from 'node:util';

/** What the command line asked for. */
export type CliCommand =
  | { kind: 'serve'; configFile: string | undefined; demo: boolean; workers: number }
  | { kind: 'create-key'; configFile: string | undefined; id: string | undefined }
  | { kind: 'import-account'; configFile: string; credentialsFile: string; id: string | undefined }
  | { kind: 'help' };

export const usage = `Usage:
  relay [--config FILE] [--demo] [--workers N]   start the relay
  relay keys create [--id NAME] [--config FILE]  create a client key (printed once, its hash kept)
  relay accounts import --claude-credentials FILE [--id NAME] --config FILE
                                                 add an OAuth account from Claude Code's credentials file
                                                 to the config file (the relay refreshes its token)
  relay --help

  --config FILE   JSON config; every field can also come from the environment (RELAY_<SECTION>__<FIELD>)
  --demo          also start @relay/mock-anthropic and point an account at it (no Anthropic key needed)
  --workers N     run N processes sharing the port (use a redis or hybrid store to share sessions)`;

/** Parses the relay's command line; throws with a message fit for the user on bad input. */
export function parseCliArguments(argv: readonly string[]): CliCommand {
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
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { kind: 'help' };
  if (positionals[0] === 'keys') {
    if (positionals[1] !== 'create' || positionals.length > 2)
      throw new Error('unknown command: did you mean "relay keys create"?');
    return { kind: 'create-key', configFile: values.config, id: values.id };
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
  if (positionals.length > 0) throw new Error(`unknown command "${positionals.join(' ')}"`);
  const workers = values.workers === undefined ? 1 : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 256)
    throw new Error('--workers must be an integer from 1 to 256');
  return { kind: 'serve', configFile: values.config, demo: values.demo, workers };
}
