import { parseArgs } from 'node:util';

/** The command line every baseline server takes: `--upstream URL [--port N] [--host H]`. */
export function parseServerArguments(argv: readonly string[]): { upstream: URL; port: number; host: string } {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      upstream: { type: 'string' },
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
    },
  });
  if (!values.upstream) throw new Error('--upstream URL is required');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port must be 0..65535, got ${values.port}`);
  return { upstream: new URL(values.upstream), port, host: values.host };
}
