import { describe, expect, it } from 'vitest';
import { parseWrkOutput, WrkOutputError } from './wrk-output.js';

// wrk 4.1's own summary, then the line the bench's done hook writes.
const output = `Running 2s test @ http://127.0.0.1:4100/v1/messages
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.91ms    1.02ms  21.40ms   91.20%
    Req/Sec    11.05k   612.33    11.90k    75.00%
  22101 requests in 2.00s, 14.31MB read
Requests/sec:  11049.50
Transfer/sec:      7.15MB

RELAY_BENCH_WRK {"requests":22101,"durationMicros":2000181,"bytes":15005210,"connectErrors":0,"readErrors":0,"writeErrors":0,"timeouts":0,"badStatus":3,"latencyP50Micros":2761,"latencyP99Micros":7012,"latencyMaxMicros":21400}
`;

describe('parseWrkOutput', () => {
  it('reads the done hook line, whatever wrk printed around it', () => {
    const result = parseWrkOutput(output);
    expect(result).toMatchObject({
      requests: 22_101,
      durationSeconds: 2.000181,
      bytes: 15_005_210,
      badStatus: 3,
      latencyP50Micros: 2761,
      latencyP99Micros: 7012,
      latencyMaxMicros: 21_400,
    });
    expect(result.requestsPerSecond).toBeCloseTo(22_101 / 2.000181, 6);
  });

  it.each([
    ['no done line (wrk failed to connect)', 'unable to connect to 127.0.0.1:1 Connection refused\n'],
    ['a line that is not JSON', 'RELAY_BENCH_WRK {"requests":\n'],
    ['a missing field', 'RELAY_BENCH_WRK {"requests":1}\n'],
    ['a negative count', output.replace('"timeouts":0', '"timeouts":-1')],
  ])('refuses %s with a WrkOutputError', (_case, text) => {
    expect(() => parseWrkOutput(text)).toThrow(WrkOutputError);
  });
});
