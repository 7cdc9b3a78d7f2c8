import { TimeChart } from '../components/time-chart.js';
import type { TrafficPoint } from '../traffic-history.js';
import type { PolledStats } from '../use-stats-polling.js';

const requestsPerSecond = (point: TrafficPoint) => point.requestsPerSecond;
const errorPercent = (point: TrafficPoint) => (point.errorRate === null ? null : point.errorRate * 100);
const tokensPerSecond = (point: TrafficPoint) => point.tokensPerSecond;

/** Live traffic: the latest rates and their charts over the last 15 minutes. */
export function OverviewPage({ polled }: { polled: PolledStats }) {
  const latest = polled.points.at(-1);
  const accounts = polled.stats?.accounts ?? [];
  const usable = accounts.filter((account) => account.disabled === false && account.coolingDownForMs === 0).length;
  const figures = [
    {
      id: 'requests',
      title: 'Upstream requests/s',
      text: format(latest?.requestsPerSecond, 2),
      value: requestsPerSecond,
    },
    {
      id: 'errors',
      title: 'Upstream error rate',
      text: format(errorPercent(latest ?? nothing), 1, ' %'),
      value: errorPercent,
    },
    { id: 'tokens', title: 'Tokens/s', text: format(latest?.tokensPerSecond, 1), value: tokensPerSecond },
  ];
  return (
    <section aria-labelledby="overview-title">
      <h2 id="overview-title">Overview</h2>
      <p class="help">
        {usable} of {accounts.length} accounts usable. Rates between polls every 2 s; the charts keep the last 15
        minutes in this tab.
      </p>
      <div class="figures">
        {figures.map((figure) => (
          <figure key={figure.id} class="figure" data-figure={figure.id}>
            <figcaption>
              {figure.title}: <output>{figure.text}</output>
            </figcaption>
            <TimeChart title={figure.title} points={polled.points} value={figure.value} />
          </figure>
        ))}
      </div>
    </section>
  );
}

const nothing: TrafficPoint = { at: 0, requestsPerSecond: null, errorRate: null, tokensPerSecond: null };

function format(value: number | null | undefined, digits: number, unit = ''): string {
  return value === null || value === undefined ? '—' : `${value.toFixed(digits)}${unit}`;
}
