import { type ChartSeries, TimeChart } from '../components/time-chart.js';
import { secondsText, usdText } from '../format.js';
import type { TrafficPoint } from '../traffic-history.js';
import type { PolledStats } from '../use-stats-polling.js';

interface Figure {
  readonly id: string;
  readonly title: string;
  /** Each value of the latest point, as text, with its name for the caption (several for percentiles). */
  readonly values: (latest: TrafficPoint | undefined) => ReadonlyArray<{ name?: string; text: string }>;
  readonly series: readonly ChartSeries[];
}

const number = (value: number | null | undefined, digits: number, unit = '') =>
  value === null || value === undefined ? '—' : `${value.toFixed(digits)}${unit}`;

// Module constants: a chart is rebuilt only when its series change.
const figures: readonly Figure[] = [
  {
    id: 'requests',
    title: 'Upstream requests/s',
    values: (latest) => [{ text: number(latest?.requestsPerSecond, 2) }],
    series: [{ label: 'requests/s', value: (point) => point.requestsPerSecond }],
  },
  {
    id: 'errors',
    title: 'Upstream error rate',
    values: (latest) => [{ text: number(latest?.errorRate === null ? null : (latest?.errorRate ?? 0) * 100, 1, ' %') }],
    series: [{ label: 'error %', value: (point) => (point.errorRate === null ? null : point.errorRate * 100) }],
  },
  {
    id: 'ttfb',
    title: 'Time to first byte (last minute)',
    values: (latest) => [
      { name: 'p50', text: secondsText(latest?.timeToFirstByteP50) },
      { name: 'p99', text: secondsText(latest?.timeToFirstByteP99) },
    ],
    series: [
      { label: 'p50 (s)', value: (point) => point.timeToFirstByteP50 },
      { label: 'p99 (s)', value: (point) => point.timeToFirstByteP99, dashed: true },
    ],
  },
  {
    id: 'tokens',
    title: 'Tokens/s',
    values: (latest) => [{ text: number(latest?.tokensPerSecond, 1) }],
    series: [{ label: 'tokens/s', value: (point) => point.tokensPerSecond }],
  },
  {
    id: 'cost',
    title: 'Cost today (UTC)',
    values: (latest) => [{ text: latest?.costTodayUsd == null ? '—' : usdText(latest.costTodayUsd) }],
    series: [{ label: 'USD today', value: (point) => point.costTodayUsd }],
  },
];

/** Live traffic: the latest figures and their charts over the last 15 minutes. */
export function OverviewPage({ polled }: { polled: PolledStats }) {
  const latest = polled.points.at(-1);
  const accounts = polled.stats?.accounts ?? [];
  const usable = accounts.filter((account) => account.disabled === false && account.coolingDownForMs === 0).length;
  return (
    <section aria-labelledby="overview-title">
      <h2 id="overview-title">Overview</h2>
      <p class="help">
        {usable} of {accounts.length} accounts usable. Rates between polls every 2 s; time to first byte estimated from
        the relay's histogram over the last minute; the charts keep the last 15 minutes in this tab.
      </p>
      <div class="figures">
        {figures.map((figure) => (
          <figure key={figure.id} class="figure" data-figure={figure.id}>
            <figcaption>
              {figure.title}:{' '}
              {figure.values(latest).map((value, index) => (
                <span key={value.name ?? index} class="value">
                  {value.name && <span class="value-name">{value.name} </span>}
                  <output data-value={value.name}>{value.text}</output>
                </span>
              ))}
              {figure.series.length > 1 && (
                <span class="legend">
                  (solid {figure.series[0]?.label}, dashed {figure.series[1]?.label})
                </span>
              )}
              {figure.id === 'cost' && polled.usageError && <span class="legend">— {polled.usageError}</span>}
            </figcaption>
            <TimeChart title={figure.title} points={polled.points} series={figure.series} />
          </figure>
        ))}
      </div>
    </section>
  );
}
