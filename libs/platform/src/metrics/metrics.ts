import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  register,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
} from 'prom-client';

/**
 * Prometheus metrics of the process, scraped at GET /metrics. prom-client's global registry: one
 * per process, so libraries record into it without dependency injection. Names start with `pos_`;
 * every series carries the `service` label.
 */
export const metricsRegistry = register;

let defaultsEnabled = false;

/** Process metrics (CPU, memory, event loop lag, GC) and the `service` label; once per process. */
export function enableDefaultMetrics(service: string): void {
  if (defaultsEnabled) return;
  defaultsEnabled = true;
  register.setDefaultLabels({ service });
  collectDefaultMetrics({ register });
}

// Get-or-create: a module loaded twice (tests start several apps in one process) shares its metric.
export function counter<L extends string>(config: CounterConfiguration<L>): Counter<L> {
  return (register.getSingleMetric(config.name) as Counter<L> | undefined) ?? new Counter(config);
}

export function gauge<L extends string>(config: GaugeConfiguration<L>): Gauge<L> {
  return (register.getSingleMetric(config.name) as Gauge<L> | undefined) ?? new Gauge(config);
}

export function histogram<L extends string>(config: HistogramConfiguration<L>): Histogram<L> {
  return (
    (register.getSingleMetric(config.name) as Histogram<L> | undefined) ?? new Histogram(config)
  );
}
