import { describe, expect, it } from 'vitest';
import { prometheusContentType, renderPrometheus } from './prometheusText.ts';

describe('renderPrometheus', () => {
  it('writes HELP and TYPE once per family, then one line per sample', () => {
    const text = renderPrometheus([
      {
        name: 'tender_jobs',
        help: 'Jobs by status.',
        type: 'gauge',
        samples: [
          { labels: { status: 'verified' }, value: 40 },
          { labels: { status: 'expired' }, value: 0 },
        ],
      },
      {
        name: 'tender_fees_earned_wei_total',
        help: 'Fees.',
        type: 'counter',
        samples: [{ value: 10n ** 30n + 7n }],
      },
    ]);
    expect(text).toBe(
      [
        '# HELP tender_jobs Jobs by status.',
        '# TYPE tender_jobs gauge',
        'tender_jobs{status="verified"} 40',
        'tender_jobs{status="expired"} 0',
        '# HELP tender_fees_earned_wei_total Fees.',
        '# TYPE tender_fees_earned_wei_total counter',
        'tender_fees_earned_wei_total 1000000000000000000000000000007',
        '',
      ].join('\n'),
    );
    expect(prometheusContentType).toContain('version=0.0.4');
  });

  it('escapes label values and help text, and spells infinities and NaN as Prometheus does', () => {
    const text = renderPrometheus([
      {
        name: 'x',
        help: 'a \\ b\nc',
        type: 'histogram',
        samples: [
          {
            suffix: '_bucket',
            labels: { route: 'say "hi"\\\n', le: '+Inf' },
            value: Number.POSITIVE_INFINITY,
          },
          { suffix: '_sum', value: Number.NaN },
          { suffix: '_count', value: Number.NEGATIVE_INFINITY },
        ],
      },
    ]);
    expect(text.split('\n')).toEqual([
      '# HELP x a \\\\ b\\nc',
      '# TYPE x histogram',
      'x_bucket{route="say \\"hi\\"\\\\\\n",le="+Inf"} +Inf',
      'x_sum NaN',
      'x_count -Inf',
      '',
    ]);
  });

  it('refuses invalid metric and label names and a family rendered twice', () => {
    expect(() => renderPrometheus([{ name: '1bad', help: '', type: 'gauge', samples: [] }])).toThrow(
      /metric name/,
    );
    expect(() =>
      renderPrometheus([
        { name: 'ok', help: '', type: 'gauge', samples: [{ labels: { 'a-b': 'x' }, value: 1 }] },
      ]),
    ).toThrow(/label name/);
    const family = { name: 'twice', help: '', type: 'gauge' as const, samples: [] };
    expect(() => renderPrometheus([family, family])).toThrow(/twice/);
  });

  it('renders nothing for no families', () => {
    expect(renderPrometheus([])).toBe('');
  });
});
