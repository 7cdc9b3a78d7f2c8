/** Where a JSON text stops being JSON: 1-based line and column. */
export interface JsonErrorPosition {
  line: number;
  column: number;
}

/**
 * The line and column of the first JSON syntax error in `text` (undefined when it is valid JSON). The config
 * loader reports this instead of `JSON.parse`'s message, which quotes the text around the error: in a
 * config, the secret next to a typo.
 */
export function jsonErrorPosition(text: string): JsonErrorPosition | undefined {
  const offset = firstErrorOffset(text);
  if (offset === undefined) return undefined;
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset; index += 1) {
    if (text.charCodeAt(index) === 10) {
      line += 1;
      lineStart = index + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

class SyntaxAt extends Error {
  constructor(readonly offset: number) {
    super('JSON syntax error');
  }
}

const numberPattern = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
// A JSON string: no raw control characters (below U+0020), only the escapes RFC 8259 lists.
const stringPattern = new RegExp(
  String.raw`"(?:[^"\\${String.fromCharCode(0)}-${String.fromCharCode(31)}]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"`,
  'y',
);

/** A recursive-descent check of RFC 8259 JSON: the offset of the first character that cannot continue it. */
function firstErrorOffset(text: string): number | undefined {
  let position = 0;
  const skipWhitespace = () => {
    while (position < text.length && ' \t\n\r'.includes(text[position] as string)) position += 1;
  };
  const match = (pattern: RegExp): boolean => {
    pattern.lastIndex = position;
    const found = pattern.exec(text);
    if (!found) return false;
    position += found[0].length;
    return true;
  };
  const expect = (character: string) => {
    skipWhitespace();
    if (text[position] !== character) throw new SyntaxAt(position);
    position += 1;
  };
  const value = (): void => {
    skipWhitespace();
    const character = text[position];
    if (character === '{') {
      position += 1;
      skipWhitespace();
      if (text[position] === '}') {
        position += 1;
        return;
      }
      for (;;) {
        skipWhitespace();
        if (!match(stringPattern)) throw new SyntaxAt(position);
        expect(':');
        value();
        skipWhitespace();
        if (text[position] === ',') position += 1;
        else {
          expect('}');
          return;
        }
      }
    }
    if (character === '[') {
      position += 1;
      skipWhitespace();
      if (text[position] === ']') {
        position += 1;
        return;
      }
      for (;;) {
        value();
        skipWhitespace();
        if (text[position] === ',') position += 1;
        else {
          expect(']');
          return;
        }
      }
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, position)) {
        position += literal.length;
        return;
      }
    }
    if (!match(stringPattern) && !match(numberPattern)) throw new SyntaxAt(position);
  };
  try {
    value();
    skipWhitespace();
    return position < text.length ? position : undefined;
  } catch (error) {
    if (error instanceof SyntaxAt) return error.offset;
    // Nesting deeper than the stack: no position to give.
    return 0;
  }
}
