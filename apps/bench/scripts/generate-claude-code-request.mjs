#!/usr/bin/env node
// Writes fixtures/claude-code-request.json: a request of the shape and size Claude Code sends (76 KB compact: 20+
// tools with JSON schemas, system blocks with cache_control, metadata.user_id as its JSON string). Deterministic:
// the same file on every run, so that figures measured with it can be compared across commits.
//   node apps/bench/scripts/generate-claude-code-request.mjs && pnpm format   (biome then lays out the JSON)
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const targetBytes = 76 * 1024;

// A small linear congruential generator: deterministic filler, no dependency.
let seed = 15;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = (items) => items[Math.floor(random() * items.length)];
const words = (
  'the file path tool command output directory search pattern result line edit replace string content user ' +
  'must should never always before after when run test build repository branch commit change read write ' +
  'absolute relative parameter optional required default timeout background process shell session task agent ' +
  'context instructions code function module import export error warning message response format json schema'
).split(' ');
function prose(length) {
  let text = '';
  while (text.length < length) {
    const sentence = Array.from({ length: 8 + Math.floor(random() * 10) }, () => pick(words)).join(' ');
    text += `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}. `;
  }
  return text.slice(0, length).trimEnd();
}
const hex = (length) => Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join('');

const toolNames = [
  'Task',
  'Bash',
  'Glob',
  'Grep',
  'ExitPlanMode',
  'Read',
  'Edit',
  'Write',
  'NotebookEdit',
  'WebFetch',
  'TodoWrite',
  'WebSearch',
  'BashOutput',
  'KillShell',
  'SlashCommand',
  'Skill',
  'AskUserQuestion',
  'mcp__ide__getDiagnostics',
  'mcp__ide__executeCode',
  'mcp__github__create_pull_request',
  'mcp__github__list_issues',
  'mcp__github__get_file',
];

function schemaOf(index) {
  const properties = {};
  const count = 2 + (index % 5);
  for (let property = 0; property < count; property += 1) {
    const name = `${pick(words)}_${pick(words)}`;
    properties[name] =
      property % 3 === 2
        ? {
            type: 'array',
            items: { type: 'object', properties: { value: { type: 'string' } } },
            description: prose(90),
          }
        : { type: property % 2 ? 'number' : 'string', description: prose(120 + (property % 3) * 60) };
  }
  return {
    type: 'object',
    properties,
    required: Object.keys(properties).slice(0, 1),
    additionalProperties: false,
    $schema: 'http://json-schema.org/draft-07/schema#',
  };
}

function build(descriptionLength) {
  seed = 15;
  const deviceId = hex(64);
  const sessionId = `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  return {
    model: 'claude-sonnet-4-5-20250929',
    max_tokens: 32_000,
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: `<system-reminder>\n${prose(2400)}\n</system-reminder>` },
          {
            type: 'text',
            text: 'Run the tests of apps/bench and fix what fails.',
            cache_control: { type: 'ephemeral' },
          },
        ],
      },
    ],
    system: [
      {
        type: 'text',
        text: "You are Claude Code, Anthropic's official CLI for Claude.",
        cache_control: { type: 'ephemeral' },
      },
      { type: 'text', text: prose(14_000), cache_control: { type: 'ephemeral' } },
    ],
    tools: toolNames.map((name, index) => ({
      name,
      description: prose(descriptionLength + (index % 4) * 200),
      input_schema: schemaOf(index),
    })),
    metadata: { user_id: JSON.stringify({ device_id: deviceId, account_uuid: '', session_id: sessionId }) },
    stream: true,
  };
}

// The tool descriptions carry the bulk, as in Claude Code's own requests: grow them until the body is the size.
let descriptionLength = 200;
let body = JSON.stringify(build(descriptionLength));
while (Buffer.byteLength(body) < targetBytes) {
  descriptionLength += 10;
  body = JSON.stringify(build(descriptionLength));
}
const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'claude-code-request.json');
// Indented for reading (`pnpm format` gives it biome's layout); the bench sends it compact.
writeFileSync(file, `${JSON.stringify(JSON.parse(body), null, 2)}\n`);
process.stdout.write(`${file}: ${Buffer.byteLength(body)} bytes, ${build(descriptionLength).tools.length} tools\n`);
