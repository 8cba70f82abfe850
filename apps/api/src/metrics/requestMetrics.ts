import type { MetricFamily, MetricSample } from '@tender/market';

/** Default latency buckets (seconds) of {@link OperatorRequestMetrics}. */
export const defaultLatencyBuckets: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

interface Histogram {
  labels: Record<string, string>;
  /** Cumulative-at-render counts per bucket (stored per bucket, summed when rendered). */
  buckets: number[];
  sum: number;
  count: number;
}

/**
 * In-memory HTTP request metrics of one api process: a request counter by
 * method, route template and status code, and a latency histogram by method
 * and route template. Label by the route template (`/v1/jobs/:id`), never the
 * raw URL, so the number of series stays bounded.
 *
 * @example
 * const metrics = new OperatorRequestMetrics();
 * metrics.observe({ method: 'GET', route: '/v1/jobs/:id', statusCode: 200, seconds: 0.012 });
 * renderPrometheus(metrics.families());
 */
export class OperatorRequestMetrics {
  readonly #buckets: readonly number[];
  readonly #counts = new Map<string, { labels: Record<string, string>; value: number }>();
  readonly #histograms = new Map<string, Histogram>();

  constructor(buckets: readonly number[] = defaultLatencyBuckets) {
    this.#buckets = [...buckets].sort((a, b) => a - b);
  }

  /** Records one finished request. */
  observe(request: { method: string; route: string; statusCode: number; seconds: number }): void {
    const countLabels = {
      method: request.method,
      route: request.route,
      status_code: String(request.statusCode),
    };
    const countKey = JSON.stringify(countLabels);
    const counter = this.#counts.get(countKey) ?? { labels: countLabels, value: 0 };
    counter.value += 1;
    this.#counts.set(countKey, counter);

    const histLabels = { method: request.method, route: request.route };
    const histKey = JSON.stringify(histLabels);
    let histogram = this.#histograms.get(histKey);
    if (histogram === undefined) {
      histogram = { labels: histLabels, buckets: this.#buckets.map(() => 0), sum: 0, count: 0 };
      this.#histograms.set(histKey, histogram);
    }
    const index = this.#buckets.findIndex((le) => request.seconds <= le);
    if (index >= 0) histogram.buckets[index]! += 1;
    histogram.sum += request.seconds;
    histogram.count += 1;
  }

  /** The metric families `tender_http_requests_total` and `tender_http_request_duration_seconds`. */
  families(): MetricFamily[] {
    const counts: MetricSample[] = [...this.#counts.values()].map((c) => ({
      labels: c.labels,
      value: c.value,
    }));
    const durations: MetricSample[] = [];
    for (const h of this.#histograms.values()) {
      let cumulative = 0;
      this.#buckets.forEach((le, i) => {
        cumulative += h.buckets[i]!;
        durations.push({ suffix: '_bucket', labels: { ...h.labels, le: String(le) }, value: cumulative });
      });
      durations.push({ suffix: '_bucket', labels: { ...h.labels, le: '+Inf' }, value: h.count });
      durations.push({ suffix: '_sum', labels: h.labels, value: h.sum });
      durations.push({ suffix: '_count', labels: h.labels, value: h.count });
    }
    return [
      {
        name: 'tender_http_requests_total',
        help: 'HTTP requests answered by this api process, by method, route template and status code.',
        type: 'counter',
        samples: counts,
      },
      {
        name: 'tender_http_request_duration_seconds',
        help: 'Time to answer an HTTP request (seconds), by method and route template.',
        type: 'histogram',
        samples: durations,
      },
    ];
  }
}
