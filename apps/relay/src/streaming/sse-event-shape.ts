const lineFeed = 0x0a;
const carriageReturn = 0x0d;
const space = 0x20;
const colon = 0x3a;
const openingBrace = 0x7b;
const closingBrace = 0x7d;
const eventField = Buffer.from('event:');
const dataField = Buffer.from('data:');

/**
 * True when the event `buffer[start, end)` has the shape the Messages API sends and an SDK can parse:
 * `event: <name>`, then `data:` lines holding one JSON object (its first byte `{`, its last `}`), or only
 * comment lines. A cheap check of the framing (the event's first line and its last byte), not a JSON parse:
 * it catches a cut-off or garbled event, `data: null`, an event without data.
 */
export function isWellFormedEvent(buffer: Buffer, start: number, end: number): boolean {
  if (buffer[start] === colon) return true;
  if (buffer.compare(eventField, 0, eventField.length, start, start + eventField.length) !== 0) return false;
  const nameEnd = buffer.indexOf(lineFeed, start);
  if (nameEnd === -1 || nameEnd >= end) return false;
  let dataStart = nameEnd + 1;
  if (buffer.compare(dataField, 0, dataField.length, dataStart, dataStart + dataField.length) !== 0) return false;
  dataStart += dataField.length;
  if (buffer[dataStart] === space) dataStart += 1;
  if (buffer[dataStart] !== openingBrace) return false;
  let last = end - 1;
  while (last > dataStart && (buffer[last] === lineFeed || buffer[last] === carriageReturn)) last -= 1;
  return buffer[last] === closingBrace;
}
