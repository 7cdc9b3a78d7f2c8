#!/usr/bin/env node
import { writeFile } from 'node:fs/promises';
import { cliUsage, flagOfOption, parseCliArguments } from './cli-arguments.js';
import { CliArgumentError, InvalidMockOptionError } from './errors.js';
import { createMockAnthropic } from './mock-anthropic.js';

async function main(): Promise<void> {
  const { help, options, certificateFile } = parseCliArguments(process.argv.slice(2));
  if (help) {
    process.stdout.write(cliUsage);
    return;
  }
  const mock = await createMockAnthropic(options);
  if (certificateFile !== undefined && mock.certificate !== undefined) {
    await writeFile(certificateFile, mock.certificate);
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      mock.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  // The URL alone on the first line, so that scripts can read it: URL=$(mock-anthropic | head -1).
  process.stdout.write(`${mock.url}\n`);
}

function explain(error: unknown): string {
  if (error instanceof InvalidMockOptionError) {
    return `${flagOfOption[error.option] ?? error.option} ${error.requirement}`;
  }
  return error instanceof Error ? error.message : String(error);
}

main().catch((error: unknown) => {
  const usageError = error instanceof CliArgumentError || error instanceof InvalidMockOptionError;
  process.stderr.write(`mock-anthropic: ${explain(error)}\n`);
  if (usageError) process.stderr.write('Run mock-anthropic --help for the options.\n');
  process.exit(usageError ? 2 : 1);
});
