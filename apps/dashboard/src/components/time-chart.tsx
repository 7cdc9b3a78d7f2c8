import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { clockTicks } from '../format.js';
import { isolatedPoints } from '../isolated-points.js';
import { historyMs, type TrafficPoint } from '../traffic-history.js';

const chartHeight = 150;

/** One line of a chart: what it plots of each point, and how it is drawn. */
export interface ChartSeries {
  readonly label: string;
  readonly value: (point: TrafficPoint) => number | null;
  /** Dashed, for a second line on the same chart. */
  readonly dashed?: boolean;
}

const stroke = '#1f4e79';

/** A line chart of the last 15 minutes (uPlot draws on a canvas; the figure's caption carries the values). */
export function TimeChart({
  title,
  points,
  series,
}: {
  title: string;
  points: readonly TrafficPoint[];
  series: readonly ChartSeries[];
}) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);

  // Rebuilt when its lines change: pass series that stay the same object from render to render.
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const chart = new uPlot(
      {
        width: Math.max(200, element.clientWidth),
        height: chartHeight,
        legend: { show: false },
        cursor: { show: false },
        // The x range is set with the data (below), so that it ends at the latest poll.
        scales: { x: { time: true, auto: false } },
        series: [
          {},
          ...series.map((line) => ({
            label: line.label,
            stroke,
            width: 2,
            points: {
              show: true,
              size: 6,
              filter: (self: uPlot, index: number) => isolatedPoints(self.data[index] ?? []),
            },
            ...(line.dashed ? { dash: [6, 4] } : { fill: 'rgba(31, 78, 121, 0.12)' }),
          })),
        ],
        // One line of 24-hour clock times (uPlot's default adds a second line of dates that overlap when narrow).
        axes: [
          { stroke: '#555', values: (_self, splits) => clockTicks(splits) },
          { stroke: '#555', size: 56 },
        ],
      },
      [[], ...series.map(() => [])],
      element,
    );
    plot.current = chart;
    const observer = new ResizeObserver(() =>
      chart.setSize({ width: Math.max(200, element.clientWidth), height: chartHeight }),
    );
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
      plot.current = undefined;
    };
  }, [series]);

  useEffect(() => {
    const chart = plot.current;
    if (!chart) return;
    chart.setData([points.map((point) => point.at / 1000), ...series.map((line) => points.map(line.value))]);
    chart.setScale('x', xRange(points));
  }, [points, series]);

  return <div class="chart" ref={container} role="img" aria-label={`${title}, last 15 minutes`} />;
}

/** The last 15 minutes, or less while the tab has seen less (at least a minute), in seconds. */
export function xRange(points: readonly TrafficPoint[], now = Date.now()): { min: number; max: number } {
  const end = (points.at(-1)?.at ?? now) / 1000;
  const first = (points[0]?.at ?? now) / 1000;
  const start = Math.max(first, end - historyMs / 1000);
  return { min: Math.min(start, end - 60), max: end };
}
