import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchPackageRoot } from '../built-file.js';

/** One kind of request the relay scenario sends, non-streaming and streaming. */
export interface BenchRequest {
  readonly name: string;
  /** Path and query. */
  readonly path: string;
  /** Headers beyond the contender's own (its key, content type, version). */
  readonly headers: Readonly<Record<string, string>>;
  body(stream: boolean): string;
}

/** The short prompt: 90-odd bytes, what a relay's fixed cost per request is measured with. */
export const shortPrompt: BenchRequest = {
  name: 'short prompt',
  path: '/v1/messages',
  headers: {},
  body: (stream) =>
    JSON.stringify({
      model: 'claude-sonnet-4-5',
      max_tokens: 256,
      messages: [{ role: 'user', content: 'Say hello to the benchmark.' }],
      ...(stream ? { stream: true } : {}),
    }),
};

/**
 * A request of the shape and size Claude Code sends (fixtures/claude-code-request.json, written by
 * scripts/generate-claude-code-request.mjs): `?beta=true`, its session header, its beta flags.
 */
export function claudeCodeRequest(): BenchRequest {
  const text = readFileSync(join(benchPackageRoot(), 'fixtures', 'claude-code-request.json'), 'utf8');
  const document = JSON.parse(text) as { metadata: { user_id: string }; stream?: boolean };
  const sessionId = (JSON.parse(document.metadata.user_id) as { session_id: string }).session_id;
  // Sent compact, as Claude Code sends it (the file is indented for reading).
  const kilobytes = Math.round(Buffer.byteLength(JSON.stringify(document)) / 1024);
  return {
    name: `Claude Code body (${kilobytes} KB)`,
    path: '/v1/messages?beta=true',
    headers: {
      'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14',
      'x-app': 'cli',
      'user-agent': 'claude-cli/2.0.0 (external, cli)',
      'x-claude-code-session-id': sessionId,
    },
    body: (stream) => JSON.stringify({ ...document, stream }),
  };
}
