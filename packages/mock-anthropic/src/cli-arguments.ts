import { parseArgs } from 'node:util';
import { CliArgumentError } from './errors.js';
import type { MockAnthropicOptions } from './options.js';

/** What the command line asks for. */
export interface CliArguments {
  help: boolean;
  options: MockAnthropicOptions;
  /** Where to write the certificate PEM (HTTPS only), so that clients can trust it. */
  certificateFile: string | undefined;
}

/** The `--help` text. */
export const cliUsage = `Usage: mock-anthropic [options]

An Anthropic-compatible upstream (POST /v1/messages, /v1/messages/count_tokens, GET /v1/models).
Prints its URL on the first line of stdout; stops on SIGINT or SIGTERM.

Options:
  --port N              port to listen on (default 0: a free port)
  --host HOST           address to listen on (default 127.0.0.1)
  --tls                 serve HTTPS with a self-signed certificate generated at start
  --certificate-file F  with --tls: write the certificate PEM to F (trust it with it as the CA)
  --latency-ms N        delay before the first byte of each response (default 0)
  --event-delay-ms N    delay between two SSE events (default 0)
  --deltas N            content_block_delta events per stream (default 10)
  --text TEXT           the assistant's text (default: one word per delta)
  --model ID            the model every response reports (default: the requested one)
  --record N            keep the last N requests (default 1000; 0 turns recording off)
  --help                show this text
`;

/** The flag that sets each option, to name it when the option is invalid. */
export const flagOfOption: Readonly<Record<string, string>> = {
  port: '--port',
  host: '--host',
  tls: '--tls',
  latencyMs: '--latency-ms',
  eventDelayMs: '--event-delay-ms',
  deltas: '--deltas',
  text: '--text',
  model: '--model',
  record: '--record',
};

function numberFlag(values: Record<string, unknown>, flag: string): number | undefined {
  const text = values[flag];
  if (text === undefined) return undefined;
  const value = Number(text);
  if (typeof text !== 'string' || text.trim() === '' || !Number.isFinite(value)) {
    throw new CliArgumentError(`--${flag} must be a number, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** Parses `mock-anthropic`'s arguments (without `node` and the script). */
export function parseCliArguments(argv: string[]): CliArguments {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        tls: { type: 'boolean' },
        'certificate-file': { type: 'string' },
        'latency-ms': { type: 'string' },
        'event-delay-ms': { type: 'string' },
        deltas: { type: 'string' },
        text: { type: 'string' },
        model: { type: 'string' },
        record: { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new CliArgumentError((error as Error).message, { cause: error });
  }
  const values = parsed.values as Record<string, unknown>;
  const options: MockAnthropicOptions = {};
  const port = numberFlag(values, 'port');
  if (port !== undefined) options.port = port;
  if (typeof values.host === 'string') options.host = values.host;
  if (values.tls === true) options.tls = true;
  const latencyMs = numberFlag(values, 'latency-ms');
  if (latencyMs !== undefined) options.latencyMs = latencyMs;
  const eventDelayMs = numberFlag(values, 'event-delay-ms');
  if (eventDelayMs !== undefined) options.eventDelayMs = eventDelayMs;
  const deltas = numberFlag(values, 'deltas');
  if (deltas !== undefined) options.deltas = deltas;
  if (typeof values.text === 'string') options.text = values.text;
  if (typeof values.model === 'string') options.model = values.model;
  const record = numberFlag(values, 'record');
  if (record !== undefined) options.record = record;
  const certificateFile = typeof values['certificate-file'] === 'string' ? values['certificate-file'] : undefined;
  if (certificateFile !== undefined && values.tls !== true) {
    throw new CliArgumentError('--certificate-file needs --tls');
  }
  return { help: values.help === true, options, certificateFile };
}
