import { clockTime } from '../format.js';
import type { AlertStats } from '../relay-stats.js';

/** The alerts the relay's metrics report as firing, above every page. */
export function AlertsBanner({ alerts }: { alerts: readonly AlertStats[] }) {
  if (alerts.length === 0) return null;
  return (
    <section class="alerts" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Firing alerts ({alerts.length})</h2>
      <ul>
        {alerts.map((alert) => (
          <li key={alert.name} role="alert">
            <strong>{alert.name}</strong>: {formatValue(alert.value)} is {alert.direction} the limit{' '}
            {formatValue(alert.limit)}, since {clockTime(new Date(alert.firedAt))}
          </li>
        ))}
      </ul>
    </section>
  );
}

function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}
