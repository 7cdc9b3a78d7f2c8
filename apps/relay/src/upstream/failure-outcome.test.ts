import { CircuitOpenError } from '@relay/connection-pool';
import { describe, expect, it } from 'vitest';
import { failureOutcome } from './forwarder.js';

const withCode = (code: string) => Object.assign(new Error(code), { code });

describe('failureOutcome', () => {
  it.each([
    ['the pool refused: its circuit is open', new CircuitOpenError('https://api.anthropic.com', 0), 'rejected'],
    ['connect timeout', withCode('UND_ERR_CONNECT_TIMEOUT'), 'timeout'],
    ['headers timeout', withCode('UND_ERR_HEADERS_TIMEOUT'), 'timeout'],
    ['body timeout', withCode('UND_ERR_BODY_TIMEOUT'), 'timeout'],
    ['socket closed', withCode('UND_ERR_SOCKET'), 'connection_error'],
    ['refused', withCode('ECONNREFUSED'), 'connection_error'],
    ['an error with the circuit code but not the class', withCode('RELAY_ERR_POOL_CIRCUIT_OPEN'), 'connection_error'],
    ['no error', undefined, 'connection_error'],
  ])('%s', (_name, error, outcome) => {
    expect(failureOutcome(error)).toBe(outcome);
  });
});
