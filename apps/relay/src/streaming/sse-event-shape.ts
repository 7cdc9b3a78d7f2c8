const lineFeed = 0x0a;
const carriageReturn = 0x0d;
const space = 0x20;
const colon = 0x3a;
const openingBrace = 0x7b;
const closingBrace = 0x7d;
const eventField = [0x65, 0x76, 0x65, 0x6e, 0x74, 0x3a]; // "event:"
const dataField = [0x64, 0x61, 0x74, 0x61, 0x3a]; // "data:"

// Byte by byte: for a handful of bytes this is several times cheaper than `Buffer.compare` (a native call).
function startsWith(buffer: Buffer, at: number, field: readonly number[]): boolean {
  for (let index = 0; index < field.length; index += 1) if (buffer[at + index] !== field[index]) return false;
  return true;
}

/**
 * True when the event `buffer[start, end)` has the shape the Messages API sends and an SDK can parse:
 * `event: <name>`, then `data:` lines holding one JSON object (its first byte `{`, its last `}`), or only
 * comment lines. A cheap check of the framing (the event's first line and its last byte), not a JSON parse:
 * it catches a cut-off or garbled event, `data: null`, an event without data. `firstLineEnd`, when the caller
 * knows it (the framer's sink is given it), is where the name line ends; -1 has it searched.
 */
export function isWellFormedEvent(buffer: Buffer, start: number, end: number, firstLineEnd = -1): boolean {
  if (buffer[start] === colon) return true;
  if (!startsWith(buffer, start, eventField)) return false;
  let nameEnd = firstLineEnd;
  if (nameEnd === -1) {
    // The name line is short: a loop is cheaper than a native search.
    nameEnd = start + eventField.length;
    while (nameEnd < end && buffer[nameEnd] !== lineFeed) nameEnd += 1;
  }
  if (nameEnd >= end) return false;
  let dataStart = nameEnd + 1;
  if (!startsWith(buffer, dataStart, dataField)) return false;
  dataStart += dataField.length;
  if (buffer[dataStart] === space) dataStart += 1;
  if (buffer[dataStart] !== openingBrace) return false;
  let last = end - 1;
  while (last > dataStart && (buffer[last] === lineFeed || buffer[last] === carriageReturn)) last -= 1;
  return buffer[last] === closingBrace;
}
