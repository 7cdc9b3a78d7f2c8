import { ReplyError } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { isCommandError } from './redis-failure.js';

describe('isCommandError', () => {
  it.each([
    ['a wrong-type reply', new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value'), true],
    ['an unknown command', new ReplyError("ERR unknown command 'nope'"), true],
    ['a script error', new ReplyError('ERR user_script:1: attempt to compare nil with number'), true],
    ['a cluster that is down', new ReplyError('CLUSTERDOWN The cluster is down'), false],
    ['a server still loading', new ReplyError('LOADING Redis is loading the dataset in memory'), false],
    ['a master that is down', new ReplyError('MASTERDOWN Link with MASTER is down'), false],
    ['a slot being migrated', new ReplyError('TRYAGAIN Multiple keys request during rehashing of slot'), false],
    ['a replica', new ReplyError("READONLY You can't write against a read only replica."), false],
    ['a busy script', new ReplyError('BUSY Redis is busy running a script.'), false],
    ['a timeout', new Error('Command timed out'), false],
    ['a closed connection', new Error('Connection is closed.'), false],
    ['not an error at all', 'ECONNRESET', false],
  ])('%s', (_case, error, expected) => {
    expect(isCommandError(error)).toBe(expected);
  });
});
