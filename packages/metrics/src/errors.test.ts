import { expectPackageError } from '@relay/test-support/vitest';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { InvalidMetricsOptionError, MetricsClosedError, MetricsError, type MetricsErrorCode } from './errors.js';
import { createRelayMetrics } from './relay-metrics.js';

const cause = new RangeError('not finite');

// Each row: the error as the package builds it, its class, the literal code a user matches on.
const errors: Array<[MetricsError, abstract new (...args: never[]) => MetricsError, MetricsErrorCode]> = [
  [
    new InvalidMetricsOptionError('windowMs', 'must be an integer', { cause }),
    InvalidMetricsOptionError,
    'RELAY_ERR_METRICS_INVALID_OPTION',
  ],
  [new MetricsClosedError('record'), MetricsClosedError, 'RELAY_ERR_METRICS_CLOSED'],
];

describe('metrics errors', () => {
  it.each(errors)('%s: literal code and name, instanceof its class, MetricsError and Error', (error, type, code) => {
    expectPackageError(error, type, MetricsError, code);
  });

  it('keeps the cause and names the option', () => {
    expect(errors[0]?.[0]).toMatchObject({
      cause,
      option: 'windowMs',
      message: 'invalid option windowMs: must be an integer',
    });
  });

  it('throws them from the API: a bad option at creation, a collector attached after close', () => {
    expect(() => createRelayMetrics({ windowMs: 5 })).toThrow(InvalidMetricsOptionError);
    const metrics = createRelayMetrics({ defaultMetrics: false, evaluationIntervalMs: false });
    metrics.close();
    // Thrown before the pool is looked at, so any value stands in for it.
    expect(() => metrics.collectPool({} as never)).toThrow(MetricsClosedError);
  });

  it('types each code as its literal (a type test, checked by tsc)', () => {
    expectTypeOf(new MetricsClosedError('x').code).toEqualTypeOf<'RELAY_ERR_METRICS_CLOSED'>();
    expectTypeOf(new InvalidMetricsOptionError('x', 'y').code).toEqualTypeOf<'RELAY_ERR_METRICS_INVALID_OPTION'>();
  });
});
