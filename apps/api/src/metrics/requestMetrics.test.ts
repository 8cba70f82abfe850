import { describe, expect, it } from 'vitest';
import { renderPrometheus } from './prometheusText.ts';
import { OperatorRequestMetrics } from './requestMetrics.ts';

describe('OperatorRequestMetrics', () => {
  it('counts requests by method, route and status, and keeps cumulative latency buckets', () => {
    const metrics = new OperatorRequestMetrics([0.01, 0.1, 1]);
    metrics.observe({ method: 'GET', route: '/v1/jobs/:id', statusCode: 200, seconds: 0.005 });
    metrics.observe({ method: 'GET', route: '/v1/jobs/:id', statusCode: 200, seconds: 0.05 });
    metrics.observe({ method: 'GET', route: '/v1/jobs/:id', statusCode: 404, seconds: 0.5 });
    metrics.observe({ method: 'GET', route: '/v1/jobs/:id', statusCode: 200, seconds: 3 });
    const text = renderPrometheus(metrics.families());
    const lines = text.split('\n');
    expect(lines).toContain(
      'tender_http_requests_total{method="GET",route="/v1/jobs/:id",status_code="200"} 3',
    );
    expect(lines).toContain(
      'tender_http_requests_total{method="GET",route="/v1/jobs/:id",status_code="404"} 1',
    );
    const bucket = (le: string) =>
      lines.find((l) =>
        l.startsWith(
          `tender_http_request_duration_seconds_bucket{method="GET",route="/v1/jobs/:id",le="${le}"}`,
        ),
      );
    expect(bucket('0.01')).toMatch(/ 1$/);
    expect(bucket('0.1')).toMatch(/ 2$/);
    expect(bucket('1')).toMatch(/ 3$/);
    expect(bucket('+Inf')).toMatch(/ 4$/);
    expect(lines).toContain(
      'tender_http_request_duration_seconds_count{method="GET",route="/v1/jobs/:id"} 4',
    );
    const sum = lines.find((l) => l.startsWith('tender_http_request_duration_seconds_sum'));
    expect(Number(sum?.split(' ')[1])).toBeCloseTo(3.555, 6);
  });

  it('declares both families even before the first request', () => {
    const text = renderPrometheus(new OperatorRequestMetrics().families());
    expect(text).toContain('# TYPE tender_http_requests_total counter');
    expect(text).toContain('# TYPE tender_http_request_duration_seconds histogram');
  });
});
