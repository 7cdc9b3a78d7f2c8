import { afterEach, describe, expect, it } from 'vitest';
import { parseExposition, sampleValue, seriesOf } from './__fixtures__/parse-exposition.js';
import { InvalidMetricsOptionError } from './errors.js';
import { OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE } from './exposition.js';
import { createRelayMetrics, type RelayMetrics } from './relay-metrics.js';

const created: RelayMetrics[] = [];
afterEach(() => {
  for (const metrics of created.splice(0)) metrics.close();
});

function metricsFor(options: Parameters<typeof createRelayMetrics>[0] = {}): RelayMetrics {
  const metrics = createRelayMetrics({ evaluationIntervalMs: false, defaultMetrics: false, ...options });
  created.push(metrics);
  return metrics;
}

async function scrape(metrics: RelayMetrics) {
  return parseExposition((await metrics.metrics()).body);
}

const origin = 'https://api.anthropic.com';

describe('RelayMetrics recording', () => {
  it('counts upstream requests by account, origin, status class and outcome, with both timings', async () => {
    const metrics = metricsFor();
    metrics.recordUpstreamRequest({
      accountId: 'acct-a',
      origin,
      statusCode: 200,
      timeToFirstByteSeconds: 0.3,
      durationSeconds: 4,
    });
    metrics.recordUpstreamRequest({ accountId: 'acct-a', origin, statusCode: 201, durationSeconds: 1 });
    metrics.recordUpstreamRequest({ accountId: 'acct-a', origin, statusCode: 529 });
    metrics.recordUpstreamRequest({ accountId: 'acct-b', origin });
    metrics.recordUpstreamRequest({ accountId: 'acct-b', origin, outcome: 'timeout' });

    const exposition = await scrape(metrics);
    const requests = 'relay_upstream_requests_total';
    expect(exposition.get(requests)?.type).toBe('COUNTER');
    expect(sampleValue(exposition, requests, { account: 'acct-a', status_class: '2xx', outcome: 'success' })).toBe(2);
    expect(sampleValue(exposition, requests, { account: 'acct-a', status_class: '5xx', outcome: 'http_error' })).toBe(
      1,
    );
    expect(
      sampleValue(exposition, requests, { account: 'acct-b', status_class: 'none', outcome: 'connection_error' }),
    ).toBe(1);
    expect(sampleValue(exposition, requests, { account: 'acct-b', status_class: 'none', outcome: 'timeout' })).toBe(1);

    expect(exposition.get('relay_upstream_time_to_first_byte_seconds')?.type).toBe('HISTOGRAM');
    const firstByte = (await metrics.catalogue.upstreamTimeToFirstByte.get()).values;
    const bucket = (bound: number) =>
      firstByte.find(
        (sample) => sample.metricName?.endsWith('_bucket') && (sample.labels as { le?: number }).le === bound,
      )?.value;
    expect(bucket(0.25)).toBe(0);
    expect(bucket(0.5)).toBe(1);
    const { metrics: snapshot } = await metrics.snapshot();
    expect(snapshot.relay_upstream_time_to_first_byte_seconds?.series).toEqual([
      { labels: { account: 'acct-a', origin }, count: 1, sum: 0.3 },
    ]);
    expect(snapshot.relay_upstream_request_duration_seconds?.series).toEqual([
      { labels: { account: 'acct-a', origin }, count: 2, sum: 5 },
    ]);
  });

  it('counts tokens by kind and skips missing, zero, negative and non-finite counts', async () => {
    const metrics = metricsFor();
    metrics.recordTokens({ accountId: 'acct-a', input: 1200, output: 300, cacheRead: 5000, cacheCreation: 0 });
    metrics.recordTokens({ accountId: 'acct-a', input: 800, output: -5, cacheRead: Number.NaN });
    metrics.recordTokens({ accountId: 'acct-a', cacheCreation: Number.POSITIVE_INFINITY });

    const exposition = await scrape(metrics);
    expect(sampleValue(exposition, 'relay_tokens_total', { account: 'acct-a', kind: 'input' })).toBe(2000);
    expect(sampleValue(exposition, 'relay_tokens_total', { account: 'acct-a', kind: 'output' })).toBe(300);
    expect(sampleValue(exposition, 'relay_tokens_total', { account: 'acct-a', kind: 'cache_read' })).toBe(5000);
    expect(sampleValue(exposition, 'relay_tokens_total', { kind: 'cache_creation' })).toBeUndefined();
  });

  it('keeps counting between scrapes (pending hot-path counts are handed over, never lost or doubled)', async () => {
    const metrics = metricsFor();
    metrics.recordUpstreamRequest({ accountId: 'acct-a', origin, statusCode: 200 });
    expect(sampleValue(await scrape(metrics), 'relay_upstream_requests_total', { account: 'acct-a' })).toBe(1);
    expect(sampleValue(await scrape(metrics), 'relay_upstream_requests_total', { account: 'acct-a' })).toBe(1);
    metrics.recordUpstreamRequest({ accountId: 'acct-a', origin, statusCode: 200 });
    metrics.recordTokens({ accountId: 'acct-a', input: 10 });
    const snapshot = await metrics.snapshot();
    expect(snapshot.metrics.relay_upstream_requests_total?.series[0]?.value).toBe(2);
    expect(sampleValue(await scrape(metrics), 'relay_tokens_total', { kind: 'input' })).toBe(10);
  });

  it('records relay errors, proxy tests (without credentials), breaker transitions and session figures', async () => {
    const metrics = metricsFor();
    metrics.recordRelayError('authentication_error');
    metrics.recordRelayError('authentication_error');
    metrics.recordProxyTest({ proxy: 'http://user:s3cret@10.0.0.7:3128/path?x=1', ok: true, durationSeconds: 0.04 });
    metrics.recordProxyTest({ proxy: 'socks5://10.0.0.8:1080', ok: false });
    metrics.recordBreakerTransition(origin, 'half-open');
    metrics.recordSessionCreated();
    metrics.recordSessionEnded('expired');
    metrics.recordSessionCacheLookups({ hits: 3, misses: 1 });
    metrics.recordSyncBatch();

    const { body } = await metrics.metrics();
    expect(body).not.toContain('s3cret');
    const exposition = parseExposition(body);
    expect(sampleValue(exposition, 'relay_errors_total', { type: 'authentication_error' })).toBe(2);
    expect(sampleValue(exposition, 'relay_proxy_tests_total', { proxy: 'http://10.0.0.7:3128', result: 'ok' })).toBe(1);
    expect(
      sampleValue(exposition, 'relay_proxy_tests_total', { proxy: 'socks5://10.0.0.8:1080', result: 'failed' }),
    ).toBe(1);
    expect(sampleValue(exposition, 'relay_pool_breaker_transitions_total', { origin, state: 'half_open' })).toBe(1);
    expect(sampleValue(exposition, 'relay_sessions_created_total')).toBe(1);
    expect(sampleValue(exposition, 'relay_sessions_expired_total')).toBe(1);
    expect(sampleValue(exposition, 'relay_sessions_ended_total', { reason: 'expired' })).toBe(1);
    expect(sampleValue(exposition, 'relay_session_cache_lookups_total', { result: 'hit' })).toBe(3);
    expect(sampleValue(exposition, 'relay_session_sync_batches_total')).toBe(1);
  });
});

describe('RelayMetrics label bounding', () => {
  it('creates no more series than the bounds allow, whatever the request input', async () => {
    const metrics = metricsFor({ labels: { account: { maxValues: 5 }, origin: { maxValues: 3 } } });
    for (let index = 0; index < 2_000; index += 1) {
      // Values a client could choose: random ids, session ids, keys, huge strings.
      const junk = `${index}-${Math.random().toString(36)}`;
      metrics.recordUpstreamRequest({
        accountId: `acct-${junk}`,
        origin: `https://${junk}.example`,
        statusCode: 100 + (index % 600),
        outcome: (['success', `bogus-${junk}`] as const)[index % 2] as 'success',
        timeToFirstByteSeconds: 0.1,
      });
      metrics.recordTokens({ accountId: `session-${junk}`, input: 1 });
      metrics.recordRelayError(`error-${junk}`);
      metrics.recordProxyTest({ proxy: `http://user:${junk}@${junk}.proxy:8080`, ok: true });
      metrics.recordBreakerTransition(`https://${junk}`, 'open');
      metrics.recordSessionEnded(`reason-${junk}` as 'expired');
    }
    const exposition = await scrape(metrics);
    const distinct = (name: string, label: string) =>
      new Set(seriesOf(exposition, name).map((series) => series.labels[label]));

    // One bound for every account label: 5 distinct values (whichever came first) plus `other`.
    const accounts = new Set([
      ...distinct('relay_upstream_requests_total', 'account'),
      ...distinct('relay_tokens_total', 'account'),
    ]);
    expect(accounts.size).toBe(6);
    expect(accounts).toContain('other');
    const origins = new Set([
      ...distinct('relay_upstream_requests_total', 'origin'),
      ...distinct('relay_pool_breaker_transitions_total', 'origin'),
    ]);
    expect(origins.size).toBe(4);
    expect(distinct('relay_upstream_requests_total', 'status_class')).toEqual(
      // 600..699 is no HTTP status: `none`.
      new Set(['1xx', '2xx', '3xx', '4xx', '5xx', 'none']),
    );
    expect(distinct('relay_upstream_requests_total', 'outcome')).toEqual(new Set(['success', 'other']));
    expect(distinct('relay_errors_total', 'type').size).toBe(51);
    expect(distinct('relay_proxy_tests_total', 'proxy').size).toBe(51);
    expect(distinct('relay_sessions_ended_total', 'reason')).toEqual(new Set(['lost']));
    const { metrics: snapshot } = await metrics.snapshot();
    expect(snapshot.relay_upstream_time_to_first_byte_seconds?.series.length).toBeLessThanOrEqual(6 * 4);
  });

  it('reports only allow-listed accounts by name and folds the rest into other', async () => {
    const metrics = metricsFor({ labels: { account: { allow: ['acct-a', 'acct-b'] } } });
    for (const accountId of ['acct-a', 'acct-b', 'acct-c', 'sk-ant-secret-key']) {
      metrics.recordUpstreamRequest({ accountId, origin, statusCode: 200 });
    }
    const { body } = await metrics.metrics();
    expect(body).not.toContain('sk-ant');
    const exposition = parseExposition(body);
    expect(sampleValue(exposition, 'relay_upstream_requests_total', { account: 'acct-a' })).toBe(1);
    expect(sampleValue(exposition, 'relay_upstream_requests_total', { account: 'other' })).toBe(2);
  });

  it('changes the allow-list at runtime: an added account is named from then on, a removed one becomes other', async () => {
    const metrics = metricsFor({ labels: { account: { allow: ['acct-a'] } } });
    metrics.recordTokens({ accountId: 'acct-new', input: 5 });
    metrics.allowLabelValues('account', ['acct-new']);
    metrics.recordTokens({ accountId: 'acct-new', input: 7 });
    metrics.recordTokens({ accountId: 'acct-a', input: 11 });
    const exposition = await scrape(metrics);
    expect(sampleValue(exposition, 'relay_tokens_total', { account: 'acct-new', kind: 'input' })).toBe(7);
    expect(sampleValue(exposition, 'relay_tokens_total', { account: 'other', kind: 'input' })).toBe(16);
    expect(() => metrics.allowLabelValues('account', [''])).toThrow('labels.account.allow');
  });
});

describe('RelayMetrics client keys', () => {
  it('counts billed tokens by kind, cost and limit rejections per client key, folding unlisted keys into other', async () => {
    const metrics = metricsFor({ labels: { client: { allow: ['team-a'] } } });
    metrics.recordClientUsage({
      clientId: 'team-a',
      input: 10,
      output: 20,
      cacheRead: 30,
      cacheWrite5m: 40,
      cacheWrite1h: 50,
      costMicroUsd: 1234,
    });
    metrics.recordClientUsage({ clientId: 'team-a', output: 1, cacheWrite1h: -3, costMicroUsd: Number.NaN });
    metrics.recordClientUsage({ clientId: 'relay_secret-looking-key', input: 5, costMicroUsd: 7 });
    metrics.recordLimitRejection('team-a', 'requests-per-minute');
    metrics.recordLimitRejection('team-a', 'budget');
    metrics.recordLimitRejection('team-a', 'budget');
    metrics.recordLimitRejection('someone', 'made-up');
    metrics.recordUnknownModel();
    const { body } = await metrics.metrics();
    expect(body).not.toContain('relay_secret');
    const exposition = parseExposition(body);
    const tokens = (client: string, kind: string) =>
      sampleValue(exposition, 'relay_client_tokens_total', { client, kind });
    expect(
      ['input', 'output', 'cache_read', 'cache_write_5m', 'cache_write_1h'].map((kind) => tokens('team-a', kind)),
    ).toEqual([10, 21, 30, 40, 50]);
    expect(tokens('other', 'input')).toBe(5);
    expect(sampleValue(exposition, 'relay_client_cost_microdollars_total', { client: 'team-a' })).toBe(1234);
    expect(sampleValue(exposition, 'relay_client_cost_microdollars_total', { client: 'other' })).toBe(7);
    const rejections = (client: string, limit: string) =>
      sampleValue(exposition, 'relay_client_limit_rejections_total', { client, limit });
    expect(rejections('team-a', 'requests_per_minute')).toBe(1);
    expect(rejections('team-a', 'budget')).toBe(2);
    expect(rejections('other', 'other')).toBe(1);
    expect(sampleValue(exposition, 'relay_unknown_model_requests_total', {})).toBe(1);
  });
});

describe('RelayMetrics exposition', () => {
  it('answers the Prometheus text format, with the default process metrics, that a third-party parser reads', async () => {
    const metrics = metricsFor({ defaultMetrics: true, defaultLabels: { instance: 'relay-1' } });
    metrics.recordUpstreamRequest({ accountId: 'acct-a', origin, statusCode: 200, durationSeconds: 1 });
    const { contentType, body } = await metrics.metrics();
    expect(contentType).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const exposition = parseExposition(body);
    expect(exposition.get('process_resident_memory_bytes')?.type).toBe('GAUGE');
    expect(exposition.get('nodejs_eventloop_lag_seconds')).toBeDefined();
    expect(sampleValue(exposition, 'relay_upstream_requests_total', { instance: 'relay-1' })).toBe(1);
    for (const [name, family] of exposition) {
      if (!name.startsWith('relay_')) continue;
      if (family.type === 'COUNTER') expect(name).toMatch(/_total$/);
      if (family.type === 'HISTOGRAM') expect(name).toMatch(/_seconds$/);
      expect(family.help).not.toBe('');
    }
  });

  it('answers OpenMetrics when asked, and the Prometheus format stays intact afterwards', async () => {
    const metrics = metricsFor();
    metrics.recordUpstreamRequest({ accountId: 'acct-a', origin, statusCode: 200 });
    const [openMetrics, concurrent] = await Promise.all([metrics.metrics({ openMetrics: true }), metrics.metrics()]);
    expect(openMetrics.contentType).toBe(OPENMETRICS_CONTENT_TYPE);
    expect(openMetrics.body.endsWith('# EOF\n')).toBe(true);
    expect(openMetrics.body).toContain('# TYPE relay_upstream_requests counter');
    expect(openMetrics.body).toMatch(/^relay_upstream_requests_total\{account="acct-a",.*\} 1$/m);

    // prom-client renames counters in place while rendering OpenMetrics; neither a render that ran
    // alongside nor one after may lose the `_total` suffix.
    for (const { contentType, body } of [concurrent, await metrics.metrics()]) {
      expect(contentType).toBe(PROMETHEUS_CONTENT_TYPE);
      expect(body).toContain('# TYPE relay_upstream_requests_total counter');
      expect(sampleValue(parseExposition(body), 'relay_upstream_requests_total', { account: 'acct-a' })).toBe(1);
    }
  });

  it('gives a JSON snapshot with the window figures, alerts, and every metric (histograms as count and sum)', async () => {
    const metrics = metricsFor();
    metrics.recordUpstreamRequest({ accountId: 'acct-a', origin, statusCode: 200, durationSeconds: 2 });
    metrics.recordUpstreamRequest({ accountId: 'acct-a', origin });
    metrics.recordTokens({ accountId: 'acct-a', output: 42 });
    const snapshot = JSON.parse(JSON.stringify(await metrics.snapshot(Date.parse('2025-01-02T03:04:05Z'))));
    expect(snapshot.takenAt).toBe('2025-01-02T03:04:05.000Z');
    expect(snapshot.alerts).toEqual([]);
    expect(snapshot.metrics.relay_tokens_total).toEqual({
      type: 'counter',
      help: expect.any(String),
      series: [{ labels: { account: 'acct-a', kind: 'output' }, value: 42 }],
    });
    expect(snapshot.metrics.relay_upstream_request_duration_seconds.series).toEqual([
      { labels: { account: 'acct-a', origin }, count: 1, sum: 2 },
    ]);
    const live = await metrics.snapshot();
    expect(live.window).toMatchObject({
      seconds: 60,
      upstreamRequests: 2,
      connectionErrors: 1,
      connectionErrorRate: 0.5,
    });
  });
});

describe('RelayMetrics options', () => {
  it.each([
    [{ windowMs: 10 }, 'windowMs'],
    [{ windowBuckets: 0 }, 'windowBuckets'],
    [{ evaluationIntervalMs: -1 }, 'evaluationIntervalMs'],
    [{ buckets: { upstream: [1, 0.5] } }, 'buckets.upstream'],
    [{ labels: { account: { maxValues: 0 } } }, 'labels.account.maxValues'],
    [{ labels: { origin: { allow: [''] } } }, 'labels.origin.allow'],
    [{ thresholds: { connectionErrorRate: { limit: 5 } } }, 'thresholds.connectionErrorRate.limit'],
    [{ thresholds: { cacheHitRate: { resolveAfter: 0 } } }, 'thresholds.cacheHitRate.resolveAfter'],
    [{ thresholds: { diskFull: {} } }, 'thresholds.diskFull'],
  ])('rejects %j with an error naming %s', (options, option) => {
    const attempt = () => createRelayMetrics(options as Parameters<typeof createRelayMetrics>[0]);
    expect(attempt).toThrow(InvalidMetricsOptionError);
    expect(attempt).toThrow(`invalid option ${option}:`);
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ code: 'RELAY_ERR_METRICS_INVALID_OPTION', option });
    }
  });

  it('keeps two instances apart (private registries)', async () => {
    const first = metricsFor();
    const second = metricsFor();
    first.recordRelayError('api_error');
    expect(sampleValue(await scrape(first), 'relay_errors_total', { type: 'api_error' })).toBe(1);
    expect(sampleValue(await scrape(second), 'relay_errors_total', { type: 'api_error' })).toBeUndefined();
  });
});
