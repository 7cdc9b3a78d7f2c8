/**
 * A validating scanner over the raw bytes of a JSON request body that reads only what routing needs: `model`,
 * `stream`, `metadata.user_id`, and the `text` strings of `system` and of the first message's `content`. It
 * never builds the document: one linear pass, no allocation but the few ranges it keeps, so a 32 MiB body of
 * a million tiny objects costs what its bytes cost, not what a million objects cost.
 *
 * It agrees with `JSON.parse` of the same bytes decoded as UTF-8: what that rejects, this rejects (plus
 * nesting deeper than `maxDepth`), and duplicate keys resolve to the last one, as they do there.
 */

/** The bytes of a string value between its quotes; `escaped` when they contain a backslash escape. */
export interface StringRange {
  start: number;
  end: number;
  escaped: boolean;
}

/** The fields routing reads from a Messages request body. */
export interface RoutingFields {
  /** True when the body is a JSON object (the fields below are only read from one). */
  isObject: boolean;
  model: StringRange | undefined;
  stream: boolean | undefined;
  /** `metadata.user_id` when it is a string. */
  userId: StringRange | undefined;
  /** `system` when it is a string, else the string `text` of each of its blocks. */
  systemTexts: StringRange[];
  /** The first message's `content` when it is a string, else the string `text` of each of its blocks. */
  firstMessageTexts: StringRange[];
}

/** A request body: its bytes as received (forwarded as they are), and what the scanner read from them. */
export interface ScannedBody {
  raw: Buffer;
  fields: RoutingFields;
}

/** The body is not JSON (or nests deeper than the scanner allows). */
export class MalformedBodyError extends Error {
  readonly code = 'RELAY_ERR_BODY_MALFORMED' as const;
  constructor(
    message: string,
    /** The byte offset where the body stopped being JSON. */
    readonly position: number,
  ) {
    super(message);
    this.name = 'MalformedBodyError';
  }
}

/** The nesting the scanner accepts by default; Claude Code's deepest tool schemas nest about a dozen levels. */
export const defaultMaxDepth = 512;

// What a value is to routing, given its parent's role and its key or index.
const Role = {
  none: 0,
  root: 1,
  model: 2,
  stream: 3,
  metadata: 4,
  userId: 5,
  system: 6,
  systemBlock: 7,
  systemText: 8,
  messages: 9,
  firstMessage: 10,
  content: 11,
  contentBlock: 12,
  contentText: 13,
} as const;
type RoleValue = (typeof Role)[keyof typeof Role];

// What the scanner expects next.
const Expect = {
  value: 0,
  valueOrEnd: 1,
  keyOrEnd: 2,
  key: 3,
  colon: 4,
  commaOrEnd: 5,
  done: 6,
} as const;
type ExpectValue = (typeof Expect)[keyof typeof Expect];

const objectKind = 1;
const arrayKind = 2;

// Stacks lent to one scan at a time (see `BodyScanner.step`). Only written at depth 1 and deeper, each entry
// before it is read, so a scan never sees what the previous one left.
const sharedStacks = {
  kinds: new Uint8Array(defaultMaxDepth + 1),
  roles: new Uint8Array(defaultMaxDepth + 1),
  lent: false,
};
// Strings up to this many bytes are read byte by byte (see `#string`).
const shortStringBytes = 32;

const keyBytes = (name: string) => Buffer.from(name, 'utf8');
const keys = {
  model: keyBytes('model'),
  stream: keyBytes('stream'),
  metadata: keyBytes('metadata'),
  userId: keyBytes('user_id'),
  system: keyBytes('system'),
  messages: keyBytes('messages'),
  content: keyBytes('content'),
  text: keyBytes('text'),
};

// Bytes a backslash may escape besides `u`: " \ / b f n r t
const simpleEscapes = new Uint8Array(256);
for (const character of '"\\/bfnrt') simpleEscapes[character.charCodeAt(0)] = 1;
const hexDigits = new Uint8Array(256);
for (const character of '0123456789abcdefABCDEF') hexDigits[character.charCodeAt(0)] = 1;

/**
 * A resumable scan of one body: `step(budget)` scans at least `budget` bytes (or to the end) and returns true
 * once the body is done, so a caller can give the event loop back between steps of a large body.
 */
export class BodyScanner {
  readonly #bytes: Buffer;
  readonly #maxDepth: number;
  // The kind and role of each open container by depth: the shared stacks for a scan that ends within one step,
  // else the scanner's own (set by `step`).
  #kinds: Uint8Array | undefined;
  #roles: Uint8Array = sharedStacks.roles;
  #depth = 0;
  #position = 0;
  #expect: ExpectValue = Expect.value;
  // The role of the value that comes next (set by its key or its index in the parent array).
  #pendingRole: RoleValue = Role.root;
  // Whether the `messages` array being read already had its first element.
  #messagesHaveFirst = false;
  // Index in the current text list of the `text` of the block being read, or -1.
  #blockTextSlot = -1;
  readonly #fields: RoutingFields = {
    isObject: false,
    model: undefined,
    stream: undefined,
    userId: undefined,
    systemTexts: [],
    firstMessageTexts: [],
  };

  constructor(bytes: Buffer, options: { maxDepth?: number } = {}) {
    this.#bytes = bytes;
    this.#maxDepth = options.maxDepth ?? defaultMaxDepth;
  }

  /** The fields read; complete once `step` returned true. */
  get fields(): RoutingFields {
    return this.#fields;
  }

  /** Scans on for about `budget` bytes; true when the whole body was scanned. Throws MalformedBodyError. */
  step(budget: number = Number.POSITIVE_INFINITY): boolean {
    if (this.#kinds !== undefined) return this.#scan(budget);
    // A scan that ends within this step (every body up to a slice: nearly every request) borrows the shared
    // stacks, so that it allocates nothing; they are given back however the step ends.
    if (!sharedStacks.lent && this.#maxDepth <= defaultMaxDepth && this.#position + budget >= this.#bytes.length) {
      sharedStacks.lent = true;
      this.#kinds = sharedStacks.kinds;
      this.#roles = sharedStacks.roles;
      try {
        return this.#scan(budget);
      } finally {
        this.#kinds = undefined;
        sharedStacks.lent = false;
      }
    }
    this.#kinds = new Uint8Array(this.#maxDepth + 1);
    this.#roles = new Uint8Array(this.#maxDepth + 1);
    return this.#scan(budget);
  }

  #scan(budget: number): boolean {
    // The state lives in locals while scanning (a field per byte is slower), and goes back to fields at a stop.
    const bytes = this.#bytes;
    const length = bytes.length;
    const kinds = this.#kinds as Uint8Array;
    const roles = this.#roles;
    let position = this.#position;
    let depth = this.#depth;
    let expect: ExpectValue = this.#expect;
    let pendingRole: RoleValue = this.#pendingRole;
    const stopAt = position + budget;
    while (true) {
      // Whitespace: space, tab, line feed, carriage return. Past the end a read gives undefined, which matches
      // no byte below; the length check comes right after.
      let byte = bytes[position] as number;
      while (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) byte = bytes[++position] as number;
      if (position >= length || position >= stopAt) {
        this.#position = position;
        this.#depth = depth;
        this.#expect = expect;
        this.#pendingRole = pendingRole;
        if (position < length) return false;
        if (expect !== Expect.done) throw this.#error('the body ends before the JSON does', position);
        return true;
      }
      if (byte === 0x7d || byte === 0x5d) {
        const isObject = kinds[depth] === objectKind;
        const closes =
          expect === Expect.commaOrEnd
            ? byte === (isObject ? 0x7d : 0x5d)
            : (expect === Expect.keyOrEnd && byte === 0x7d) || (expect === Expect.valueOrEnd && byte === 0x5d);
        if (!closes) throw this.#error(`unexpected "${byte === 0x7d ? '}' : ']'}"`, position);
        const role = roles[depth];
        if (role === Role.systemBlock || role === Role.contentBlock) this.#blockTextSlot = -1;
        depth -= 1;
        expect = depth === 0 ? Expect.done : Expect.commaOrEnd;
        position += 1;
        continue;
      }
      if (expect === Expect.commaOrEnd) {
        if (byte !== 0x2c)
          throw this.#error(kinds[depth] === objectKind ? 'expected "," or "}"' : 'expected "," or "]"', position);
        position += 1;
        if (kinds[depth] === objectKind) expect = Expect.key;
        else {
          expect = Expect.value;
          pendingRole = roles[depth] === Role.none ? Role.none : this.#elementRole(depth);
        }
        continue;
      }
      if (expect === Expect.colon) {
        if (byte !== 0x3a) throw this.#error('expected ":"', position);
        position += 1;
        expect = Expect.value;
        continue;
      }
      if (expect === Expect.keyOrEnd || expect === Expect.key) {
        if (byte !== 0x22) throw this.#error('expected a string key', position);
        const start = position + 1;
        position = this.#string(start);
        pendingRole = roles[depth] === Role.none ? Role.none : this.#keyRole(depth, start, position - 1);
        expect = Expect.colon;
        continue;
      }
      if (expect === Expect.done) throw this.#error('unexpected data after the JSON value', position);
      // A value.
      const role = pendingRole === Role.root && byte !== 0x7b ? Role.none : pendingRole;
      pendingRole = Role.none;
      if (role !== Role.none) this.#startValue(role);
      if (byte === 0x7b || byte === 0x5b) {
        if (depth === this.#maxDepth)
          throw this.#error(`the body nests deeper than ${this.#maxDepth} levels`, position);
        depth += 1;
        roles[depth] = role;
        if (role === Role.messages) this.#messagesHaveFirst = false;
        if (byte === 0x7b) {
          kinds[depth] = objectKind;
          expect = Expect.keyOrEnd;
        } else {
          kinds[depth] = arrayKind;
          expect = Expect.valueOrEnd;
          pendingRole = role === Role.none ? Role.none : this.#elementRole(depth);
        }
        position += 1;
        continue;
      }
      if (byte === 0x22) {
        const end = this.#string(position + 1);
        if (role !== Role.none) this.#stringValue(role, position + 1, end - 1);
        position = end;
      } else {
        position = this.#scalar(byte, position, role);
      }
      expect = depth === 0 ? Expect.done : Expect.commaOrEnd;
    }
  }

  /** The role of the next element of the array at `depth`. */
  #elementRole(depth: number): RoleValue {
    const parent = this.#roles[depth];
    if (parent === Role.system) return Role.systemBlock;
    if (parent === Role.content) return Role.contentBlock;
    if (parent === Role.messages && !this.#messagesHaveFirst) {
      this.#messagesHaveFirst = true;
      return Role.firstMessage;
    }
    return Role.none;
  }

  /** The role of the value of the key whose bytes are `start..end` in the object at `depth`. */
  #keyRole(depth: number, start: number, end: number): RoleValue {
    switch (this.#roles[depth]) {
      case Role.root:
        if (this.#keyIs(start, end, keys.model)) return Role.model;
        if (this.#keyIs(start, end, keys.stream)) return Role.stream;
        if (this.#keyIs(start, end, keys.metadata)) return Role.metadata;
        if (this.#keyIs(start, end, keys.system)) return Role.system;
        if (this.#keyIs(start, end, keys.messages)) return Role.messages;
        return Role.none;
      case Role.metadata:
        return this.#keyIs(start, end, keys.userId) ? Role.userId : Role.none;
      case Role.systemBlock:
        return this.#keyIs(start, end, keys.text) ? Role.systemText : Role.none;
      case Role.firstMessage:
        return this.#keyIs(start, end, keys.content) ? Role.content : Role.none;
      case Role.contentBlock:
        return this.#keyIs(start, end, keys.text) ? Role.contentText : Role.none;
      default:
        return Role.none;
    }
  }

  #keyIs(start: number, end: number, name: Buffer): boolean {
    const bytes = this.#bytes;
    if (this.#lastStringEscaped) {
      // A key spelled with escapes (`"mod\u0065l"`) is rare: decode it, as JSON.parse would.
      return decodeString(bytes, { start, end, escaped: true }) === name.toString('utf8');
    }
    if (end - start !== name.length) return false;
    for (let index = 0; index < name.length; index += 1) if (bytes[start + index] !== name[index]) return false;
    return true;
  }

  // Whether the string `#string` read last held an escape.
  #lastStringEscaped = false;
  // The position of the next backslash at or after the string being read (the length when there is none).
  #nextBackslash = -1;
  // The body as 32-bit words from its first 4-byte-aligned byte, `#wordStart`, for the control-character check
  // of long strings; made at the first one (a short body never needs it).
  #words: Uint32Array | undefined;
  #wordStart = 0;

  /** Scans a string whose content starts at `position`; returns the position after its closing quote. */
  #string(position: number): number {
    const bytes = this.#bytes;
    // Most strings (keys, names, ids) are short: a byte loop finds their end for less than two native searches.
    const shortEnd = Math.min(position + shortStringBytes, bytes.length);
    for (let cursor = position; cursor < shortEnd; cursor += 1) {
      const byte = bytes[cursor] as number;
      if (byte === 0x22) {
        this.#lastStringEscaped = false;
        return cursor + 1;
      }
      // An escape or a control character: the general path below reads (or rejects) it.
      if (byte === 0x5c || byte < 0x20) break;
    }
    let escaped = false;
    while (true) {
      // The quote and the backslash are found natively (memchr); the bytes between are only checked for
      // control characters, four at a time.
      const quote = bytes.indexOf(0x22, position);
      if (quote === -1) throw this.#error('unterminated string', bytes.length);
      if (this.#nextBackslash < position) {
        const found = bytes.indexOf(0x5c, position);
        this.#nextBackslash = found === -1 ? bytes.length : found;
      }
      const backslash = this.#nextBackslash;
      const segmentEnd = Math.min(backslash, quote);
      this.#rejectControlCharacters(position, segmentEnd);
      if (segmentEnd === quote) {
        this.#lastStringEscaped = escaped;
        return quote + 1;
      }
      escaped = true;
      const next = bytes[backslash + 1];
      if (next === 0x75) {
        for (let digit = 2; digit < 6; digit += 1) {
          if (hexDigits[bytes[backslash + digit] ?? 0] !== 1) throw this.#error('invalid \\u escape', backslash);
        }
        position = backslash + 6;
      } else if (next !== undefined && simpleEscapes[next] === 1) position = backslash + 2;
      else throw this.#error('invalid escape in a string', backslash);
    }
  }

  /** Throws when a byte in `start..end` is a control character (below 0x20), which a JSON string may not hold. */
  #rejectControlCharacters(start: number, end: number): void {
    const bytes = this.#bytes;
    let words = this.#words;
    if (words === undefined) {
      this.#wordStart = Math.min(bytes.length, (4 - (bytes.byteOffset % 4)) % 4);
      words = new Uint32Array(
        bytes.buffer,
        bytes.byteOffset + this.#wordStart,
        Math.floor((bytes.length - this.#wordStart) / 4),
      );
      this.#words = words;
    }
    const wordStart = this.#wordStart;
    let position = start;
    // Byte by byte up to a word boundary, then a word at a time, then the tail byte by byte.
    while (position < end && (position - wordStart) % 4 !== 0) {
      if ((bytes[position] as number) < 0x20) throw this.#error('unescaped control character in a string', position);
      position += 1;
    }
    const lastWordEnd = end - 4;
    while (position <= lastWordEnd) {
      const word = words[(position - wordStart) >> 2] as number;
      // Non-zero when a byte of the word is below 0x20 ("hasless" of Bit Twiddling Hacks, exact for n <= 128).
      if (((word - 0x20202020) & ~word & 0x80808080) !== 0) break;
      position += 4;
    }
    while (position < end) {
      if ((bytes[position] as number) < 0x20) throw this.#error('unescaped control character in a string', position);
      position += 1;
    }
  }

  /** Scans a number, `true`, `false` or `null` at `position`; returns the position after it. */
  #scalar(byte: number, position: number, role: RoleValue): number {
    const bytes = this.#bytes;
    if (byte === 0x74) {
      this.#literal(position, 'true');
      if (role === Role.stream) this.#fields.stream = true;
      return position + 4;
    }
    if (byte === 0x66) {
      this.#literal(position, 'false');
      if (role === Role.stream) this.#fields.stream = false;
      return position + 5;
    }
    if (byte === 0x6e) {
      this.#literal(position, 'null');
      return position + 4;
    }
    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    const start = position;
    if (bytes[position] === 0x2d) position += 1;
    if (bytes[position] === 0x30) position += 1;
    else if (isDigit(bytes[position]) && bytes[position] !== 0x30) while (isDigit(bytes[position])) position += 1;
    else throw this.#error(position === start ? 'unexpected character' : 'invalid number', start);
    if (bytes[position] === 0x2e) {
      position += 1;
      if (!isDigit(bytes[position])) throw this.#error('invalid number', start);
      while (isDigit(bytes[position])) position += 1;
    }
    if (bytes[position] === 0x65 || bytes[position] === 0x45) {
      position += 1;
      if (bytes[position] === 0x2b || bytes[position] === 0x2d) position += 1;
      if (!isDigit(bytes[position])) throw this.#error('invalid number', start);
      while (isDigit(bytes[position])) position += 1;
    }
    return position;
  }

  #literal(position: number, word: string): void {
    for (let index = 0; index < word.length; index += 1) {
      if (this.#bytes[position + index] !== word.charCodeAt(index)) throw this.#error('unexpected character', position);
    }
  }

  /** A value with `role` begins: a later duplicate key replaces what an earlier one gave, as in JSON.parse. */
  #startValue(role: RoleValue): void {
    const fields = this.#fields;
    switch (role) {
      case Role.root:
        fields.isObject = true;
        return;
      case Role.model:
        fields.model = undefined;
        return;
      case Role.stream:
        fields.stream = undefined;
        return;
      case Role.metadata:
      case Role.userId:
        fields.userId = undefined;
        return;
      case Role.system:
        fields.systemTexts.length = 0;
        return;
      case Role.messages:
      case Role.firstMessage:
      case Role.content:
        fields.firstMessageTexts.length = 0;
        return;
      case Role.systemText:
      case Role.contentText:
        // A later `text` of the same block replaces the earlier one; a non-string one leaves the block no text.
        if (this.#blockTextSlot !== -1) {
          (role === Role.systemText ? fields.systemTexts : fields.firstMessageTexts).pop();
          this.#blockTextSlot = -1;
        }
        return;
    }
  }

  #stringValue(role: RoleValue, start: number, end: number): void {
    const range = { start, end, escaped: this.#lastStringEscaped };
    const fields = this.#fields;
    switch (role) {
      case Role.model:
        fields.model = range;
        return;
      case Role.userId:
        fields.userId = range;
        return;
      case Role.system:
        fields.systemTexts.push(range);
        return;
      case Role.content:
        fields.firstMessageTexts.push(range);
        return;
      case Role.systemText:
        this.#blockTextSlot = fields.systemTexts.push(range) - 1;
        return;
      case Role.contentText:
        this.#blockTextSlot = fields.firstMessageTexts.push(range) - 1;
        return;
    }
  }

  #error(message: string, position: number): MalformedBodyError {
    this.#position = position;
    return new MalformedBodyError(`${message} at byte ${position}`, position);
  }
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

/** Scans a whole body at once. Throws MalformedBodyError. */
export function scanBody(bytes: Buffer, options: { maxDepth?: number } = {}): RoutingFields {
  const scanner = new BodyScanner(bytes, options);
  scanner.step();
  return scanner.fields;
}

/** The text of a string range (decodes escapes only when it has some). */
export function decodeString(bytes: Buffer, range: StringRange): string {
  if (!range.escaped) return bytes.toString('utf8', range.start, range.end);
  return JSON.parse(bytes.toString('utf8', range.start - 1, range.end + 1)) as string;
}
