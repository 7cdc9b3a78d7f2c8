import { describe, expect, it } from 'vitest';
import { countRedisCommands, redisCommandCalls } from './measure.js';

const info = [
  '# Commandstats',
  'cmdstat_evalsha:calls=41,usec=900,usec_per_call=21.95,rejected_calls=0,failed_calls=0',
  'cmdstat_hset:calls=120,usec=300,usec_per_call=2.50,rejected_calls=0,failed_calls=0',
  'cmdstat_client|setname:calls=2,usec=3,usec_per_call=1.50,rejected_calls=0,failed_calls=0',
  '',
].join('\r\n');

describe('INFO commandstats', () => {
  it('counts calls per command, subcommands by their full name', () => {
    expect(Object.fromEntries(redisCommandCalls(info))).toEqual({ evalsha: 41, hset: 120, 'client|setname': 2 });
  });

  it('totals every command', () => {
    expect(countRedisCommands(info)).toBe(163);
  });
});
