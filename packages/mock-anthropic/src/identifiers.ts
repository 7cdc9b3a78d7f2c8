import { randomBytes } from 'node:crypto';

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function randomBase62(length: number): string {
  const bytes = randomBytes(length);
  let text = '';
  for (const byte of bytes) text += alphabet[byte % 62];
  return text;
}

// Real ids look like `req_011CUa4bN6...` (24 base62 characters). A random prefix per process plus a
// counter keeps them unique and shaped alike without asking the CSPRNG on every request.
const processPrefix = `011C${randomBase62(12)}`;
let counter = 0;

function nextSuffix(): string {
  counter = (counter + 1) % 62 ** 8;
  let value = counter;
  let suffix = '';
  for (let position = 0; position < 8; position++) {
    suffix = alphabet[value % 62] + suffix;
    value = Math.floor(value / 62);
  }
  return processPrefix + suffix;
}

/** A new `req_...` id, as the `request-id` header and the error bodies carry. */
export function nextRequestId(): string {
  return `req_${nextSuffix()}`;
}

/** A new `msg_...` id for a message. */
export function nextMessageId(): string {
  return `msg_${nextSuffix()}`;
}
