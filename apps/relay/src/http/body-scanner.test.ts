import { describe, expect, it } from 'vitest';
import { claudeCodeBody, claudeCodeRequest } from '../../test/fixtures/claude-code-body.js';
import { BodyScanner, decodeString, MalformedBodyError, type RoutingFields, scanBody } from './body-scanner.js';

/** The scanner's fields, decoded: what a test compares. */
function decoded(bytes: Buffer, fields: RoutingFields) {
  const text = (range: RoutingFields['model']) => (range ? decodeString(bytes, range) : undefined);
  return {
    isObject: fields.isObject,
    model: text(fields.model),
    stream: fields.stream,
    userId: text(fields.userId),
    systemTexts: fields.systemTexts.map((range) => decodeString(bytes, range)),
    firstMessageTexts: fields.firstMessageTexts.map((range) => decodeString(bytes, range)),
  };
}

const scan = (body: string | Buffer) => {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return decoded(bytes, scanBody(bytes));
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The same fields read from JSON.parse's document: the meaning the scanner must agree with. */
function reference(document: unknown) {
  const texts = (value: unknown): string[] => {
    if (typeof value === 'string') return [value];
    if (!Array.isArray(value)) return [];
    return value.flatMap((block) => (isRecord(block) && typeof block.text === 'string' ? [block.text] : []));
  };
  if (!isRecord(document)) {
    return {
      isObject: false,
      model: undefined,
      stream: undefined,
      userId: undefined,
      systemTexts: [],
      firstMessageTexts: [],
    };
  }
  const { model, stream, metadata, system, messages } = document;
  const first = Array.isArray(messages) && messages.length > 0 ? messages[0] : undefined;
  return {
    isObject: true,
    model: typeof model === 'string' ? model : undefined,
    stream: typeof stream === 'boolean' ? stream : undefined,
    userId: isRecord(metadata) && typeof metadata.user_id === 'string' ? metadata.user_id : undefined,
    systemTexts: texts(system),
    firstMessageTexts: isRecord(first) ? texts(first.content) : [],
  };
}

const empty = {
  isObject: true,
  model: undefined,
  stream: undefined,
  userId: undefined,
  systemTexts: [],
  firstMessageTexts: [],
};

describe('scanBody reads the routing fields', () => {
  it.each([
    ['model and stream', '{"model":"claude-x","stream":true}', { model: 'claude-x', stream: true }],
    ['stream false', '{"stream":false}', { stream: false }],
    ['stream that is not a boolean', '{"stream":"yes"}', {}],
    ['metadata.user_id', '{"metadata":{"user_id":"u-1"}}', { userId: 'u-1' }],
    ['a user_id that is not a string', '{"metadata":{"user_id":{"text":"x"}}}', {}],
    ['system as a string', '{"system":"be brief"}', { systemTexts: ['be brief'] }],
    [
      'system blocks with cache_control',
      '{"system":[{"type":"text","text":"a","cache_control":{"type":"ephemeral"}},{"type":"text","text":"b"}]}',
      { systemTexts: ['a', 'b'] },
    ],
    [
      'first message content as a string',
      '{"messages":[{"role":"user","content":"hi"},{"content":"no"}]}',
      { firstMessageTexts: ['hi'] },
    ],
    [
      'first message content blocks, not later messages',
      '{"messages":[{"content":[{"type":"text","text":"one"},{"type":"image"},{"text":"two"}]},{"content":[{"text":"x"}]}]}',
      { firstMessageTexts: ['one', 'two'] },
    ],
    [
      'fields nested deeper are not top-level fields',
      '{"x":{"model":"m","stream":true,"metadata":{"user_id":"u"}}}',
      {},
    ],
    ['top-level fields after nested ones', '{"tools":[{"model":"no","system":"no"}],"model":"yes"}', { model: 'yes' }],
    ['a string that looks like a key', '{"note":"\\"model\\":\\"fake\\"","model":"real"}', { model: 'real' }],
    ['a value that is the word model', '{"a":"model","b":["stream",true]}', {}],
    ['escapes in values', '{"model":"a\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00"}', { model: 'a"b\\c/d\né😀' }],
    ['raw unicode in values', '{"system":"ünïcödé ✓ 😀"}', { systemTexts: ['ünïcödé ✓ 😀'] }],
    ['a key spelled with escapes', '{"mod\\u0065l":"m","\\u0073tream":true}', { model: 'm', stream: true }],
    ['duplicate keys: the last wins', '{"model":"a","stream":true,"model":"b","stream":1}', { model: 'b' }],
    ['a duplicate metadata without user_id', '{"metadata":{"user_id":"u"},"metadata":{}}', {}],
    [
      'a duplicate text in one block',
      '{"system":[{"text":"a","text":"b"},{"text":"c","text":5}]}',
      { systemTexts: ['b'] },
    ],
    ['a duplicate content', '{"messages":[{"content":[{"text":"a"}],"content":"b"}]}', { firstMessageTexts: ['b'] }],
    ['a duplicate messages', '{"messages":[{"content":"a"}],"messages":[]}', {}],
    ['deeply nested text is no text', '{"messages":[{"content":[{"text":[[[{"text":"x"}]]]}]}]}', {}],
    ['a text that is an object', '{"system":[{"text":{"toString":"x"}}]}', {}],
    ['whitespace everywhere', ' \n{ "model" :\t"m" ,\r\n"stream" : true } \n', { model: 'm', stream: true }],
    [
      'numbers of every form',
      '{"a":[0,-0,1.5,-2e10,3E+2,4e-3,123456789012345678901234567890],"model":"m"}',
      { model: 'm' },
    ],
  ])('%s', (_name, body, expected) => {
    expect(scan(body)).toEqual({ ...empty, ...expected });
  });

  it.each([['[1,2]'], ['"text"'], ['42'], ['null'], ['true']])('a top-level %s is no object', (body) => {
    expect(scan(body)).toEqual({ ...empty, isObject: false });
  });
});

describe('scanBody rejects what JSON.parse rejects', () => {
  it.each([
    [''],
    ['   '],
    ['{'],
    ['{"a":1'],
    ['{"a" 1}'],
    ['{"a":1,}'],
    ['[1,]'],
    ['{a:1}'],
    ["{'a':1}"],
    ['{"a":01}'],
    ['{"a":1.}'],
    ['{"a":.5}'],
    ['{"a":-}'],
    ['{"a":1e}'],
    ['{"a":+1}'],
    ['{"a":tru}'],
    ['{"a":nul}'],
    ['{"a":NaN}'],
    ['{"a":"\\x41"}'],
    ['{"a":"\\u12G4"}'],
    ['{"a":"line\nbreak"}'],
    ['{"a":"unterminated}'],
    ['{"a":1}}'],
    ['{"a":1} {"b":2}'],
    ['{"a":[1}'],
    ['{"a":{]}'],
    ['\uFEFF{"a":1}'],
    ['{"a":1}\u00a0'],
  ])('%j', (body) => {
    expect(() => JSON.parse(body)).toThrow();
    expect(() => scanBody(Buffer.from(body, 'utf8'))).toThrow(MalformedBodyError);
  });

  it('caps nesting at maxDepth, with the position', () => {
    expect(scan(`${'['.repeat(512)}${']'.repeat(512)}`).isObject).toBe(false);
    const tooDeep = Buffer.from(`${'['.repeat(513)}${']'.repeat(513)}`);
    expect(() => scanBody(tooDeep)).toThrow(/nests deeper than 512 levels at byte 512/);
    expect(() => scanBody(Buffer.from('[[[]]]'), { maxDepth: 2 })).toThrow(MalformedBodyError);
  });
});

// A small seeded generator, so a failure replays.
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

function randomDocument(next: () => number, depth = 0): unknown {
  const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)] as T;
  const keyNames = ['model', 'stream', 'metadata', 'user_id', 'system', 'messages', 'content', 'text', 'type', 'x'];
  const choice = next();
  if (depth > 4 || choice < 0.3) return pick(['m', 'é"\\\n😀', '', 0, -1.5e3, true, false, null]);
  if (choice < 0.65) return Array.from({ length: Math.floor(next() * 4) }, () => randomDocument(next, depth + 1));
  const object: Record<string, unknown> = {};
  for (let index = Math.floor(next() * 5); index > 0; index -= 1)
    object[pick(keyNames)] = randomDocument(next, depth + 1);
  return object;
}

describe('scanBody agrees with JSON.parse on a corpus', () => {
  it('on a Claude-Code-shaped body of about 76 KB', () => {
    const body = claudeCodeBody();
    expect(body.length).toBeGreaterThan(70_000);
    expect(body.length).toBeLessThan(82_000);
    const fields = scan(body);
    expect(fields).toEqual(reference(claudeCodeRequest()));
    expect(JSON.parse(fields.userId as string).session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(fields.systemTexts).toHaveLength(2);
  });

  it('on 2,000 random documents whose keys are the routing keys', () => {
    const next = random(11);
    for (let index = 0; index < 2_000; index += 1) {
      const text = JSON.stringify(randomDocument(next));
      expect(scan(text), text).toEqual(reference(JSON.parse(text)));
    }
  });

  it('on 5,000 corruptions of valid documents: rejects exactly what JSON.parse rejects', () => {
    const next = random(29);
    const replacements = ['{', '}', '[', ']', ',', ':', '"', '\\', ' ', '0', '-', '.', 'e', 't', 'x', '\u0001', 'é'];
    for (let index = 0; index < 5_000; index += 1) {
      const text = JSON.stringify(randomDocument(next));
      const at = Math.floor(next() * text.length);
      const corrupted = `${text.slice(0, at)}${replacements[Math.floor(next() * replacements.length)]}${text.slice(at + (next() < 0.5 ? 1 : 0))}`;
      let parsed: unknown;
      let parseFailed = false;
      try {
        parsed = JSON.parse(corrupted);
      } catch {
        parseFailed = true;
      }
      if (parseFailed) expect(() => scanBody(Buffer.from(corrupted)), corrupted).toThrow(MalformedBodyError);
      else expect(scan(corrupted), corrupted).toEqual(reference(parsed));
    }
  });

  it('scans in steps to the same result', () => {
    const body = claudeCodeBody();
    const scanner = new BodyScanner(body);
    let steps = 0;
    while (!scanner.step(4_096)) steps += 1;
    expect(steps).toBeGreaterThan(10);
    expect(decoded(body, scanner.fields)).toEqual(scan(body));
  });

  it('scans in steps while other bodies are scanned whole in between, each to its own result', () => {
    // Whole scans share one set of depth stacks; a scan in steps keeps its own across the steps.
    const body = claudeCodeBody();
    const scanner = new BodyScanner(body);
    const others = ['{"model":"a","system":[{"text":"s"}],"messages":[[{"x":{"y":[1]}}]]}', '[{"model":"b"}]'];
    while (!scanner.step(4_096)) {
      for (const other of others) expect(scan(other)).toEqual(reference(JSON.parse(other)));
      expect(() => scanBody(Buffer.from('{"model":[[[[{"a":'))).toThrow(MalformedBodyError);
    }
    expect(decoded(body, scanner.fields)).toEqual(scan(body));
  });

  it('gives a whole scan that failed no hold on the next one', () => {
    expect(() => scanBody(Buffer.from('{"messages":[{"content":[{"text":"a"'))).toThrow(MalformedBodyError);
    expect(() => scanBody(Buffer.from(`{"a":"${'x'.repeat(40)}\\u00zz"}`))).toThrow(MalformedBodyError);
    const body = '{"messages":[{"content":[{"text":"hello"}]}],"model":"m","stream":true}';
    expect(scan(body)).toEqual(reference(JSON.parse(body)));
  });

  it('reads short and long strings alike, escapes and control characters included', () => {
    for (const length of [0, 1, 31, 32, 33, 64, 200]) {
      const text = 'é'.repeat(length);
      for (const body of [
        JSON.stringify({ model: text, system: `${text}\n\u0007"`, messages: [{ content: text }] }),
        `{"model":"${text}\\u0041","system":"${'a'.repeat(length)}\\"\\\\"}`,
      ]) {
        expect(scan(body), body).toEqual(reference(JSON.parse(body)));
      }
      // A raw tab or a raw \u0001 inside a string: JSON.parse refuses both.
      for (const control of ['\t', '\u0001']) {
        const body = `{"model":"${'a'.repeat(length)}${control}"}`;
        expect(() => JSON.parse(body)).toThrow();
        expect(() => scanBody(Buffer.from(body)), JSON.stringify(body)).toThrow(/control character/);
      }
    }
  });

  it('is linear in a body of many tiny objects', () => {
    const body = Buffer.from(`{"x":[${'{},'.repeat(1_000_000)}{}],"model":"m"}`);
    expect(scan(body).model).toBe('m');
  });
});
