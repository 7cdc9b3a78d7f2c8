import { Registry } from 'prom-client';

/** The text a scrape answers with, and the content type to send it under. */
export interface Exposition {
  readonly contentType: string;
  readonly body: string;
}

/** The Prometheus text format content type (`text/plain; version=0.0.4`). */
export const PROMETHEUS_CONTENT_TYPE: string = Registry.PROMETHEUS_CONTENT_TYPE;

/** The OpenMetrics 1.0 content type (`application/openmetrics-text; version=1.0.0`). */
export const OPENMETRICS_CONTENT_TYPE: string = Registry.OPENMETRICS_CONTENT_TYPE;

/**
 * Renders one registry in either format. prom-client renders OpenMetrics by switching the registry's
 * content type, and that render renames counters in place (strips `_total` from `metric.name`, see
 * prometheus/client_js#829), which would drop `_total` from every later Prometheus render. So renders
 * run one at a time, and an OpenMetrics render puts the content type and the names back afterwards.
 */
export class RegistryExposition {
  readonly #registry: Registry;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(registry: Registry) {
    this.#registry = registry;
  }

  /** Renders the registry; OpenMetrics when `openMetrics` is true, else the Prometheus text format. */
  render(openMetrics: boolean): Promise<Exposition> {
    const rendered = this.#queue.then(() => (openMetrics ? this.#renderOpenMetrics() : this.#renderPrometheus()));
    this.#queue = rendered.catch(() => undefined);
    return rendered;
  }

  async #renderPrometheus(): Promise<Exposition> {
    return { contentType: PROMETHEUS_CONTENT_TYPE, body: await this.#registry.metrics() };
  }

  async #renderOpenMetrics(): Promise<Exposition> {
    const metrics = this.#registry.getMetricsAsArray() as unknown as { name: string }[];
    const names = metrics.map((metric) => metric.name);
    const registry = this.#registry as unknown as Registry<typeof Registry.OPENMETRICS_CONTENT_TYPE>;
    registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    try {
      return { contentType: OPENMETRICS_CONTENT_TYPE, body: await registry.metrics() };
    } finally {
      (this.#registry as unknown as Registry).setContentType(Registry.PROMETHEUS_CONTENT_TYPE);
      metrics.forEach((metric, index) => {
        metric.name = names[index] as string;
      });
    }
  }
}
