// One metric's measurements over time as a uPlot chart, with its condition's threshold as a second, flat line.
import type { JSX } from 'preact';
import { useMemo } from 'preact/hooks';
import type uPlot from 'uplot';
import type { Measurement, MetricThreshold } from './api-types.js';
import { formatNumber, measurementSeries, thresholdLabel } from './metric-reading.js';
import { TIME_SCALE, UplotChart } from './uplot-chart.js';

function chartOptions(metric: string, threshold: MetricThreshold | undefined, field: string | undefined): Omit<uPlot.Options, 'width' | 'height'> {
  const thresholdColour = threshold?.condition === 'failure' ? '#b42318' : '#1a7f37';
  return {
    scales: { x: TIME_SCALE },
    axes: [{ space: 80 }, { size: 60, values: (_u, ticks) => ticks.map((t) => formatNumber(t)) }],
    series: [
      {},
      {
        label: field === undefined ? metric : `${metric} (${field})`,
        stroke: '#6639ba',
        width: 2,
        points: { show: true, size: 6 },
        value: (_u, v) => (v === null ? '—' : formatNumber(v)),
      },
      // Without a numeric threshold there is no line to draw, and no legend entry for one.
      ...(threshold
        ? [
            {
              label: `threshold ${thresholdLabel(threshold)}`,
              stroke: thresholdColour,
              width: 1.5,
              dash: [6, 4],
              points: { show: false },
              value: (_u: uPlot, v: number | null) => (v === null ? '—' : formatNumber(v)),
            },
          ]
        : []),
    ],
  };
}

export function MeasurementChart(props: { metric: string; measurements: readonly Measurement[]; threshold: MetricThreshold | undefined; field?: string }): JSX.Element {
  const { metric, measurements, threshold, field } = props;
  const options = useMemo(() => chartOptions(metric, threshold, field), [metric, threshold?.operator, threshold?.value, threshold?.condition, field]);
  const series = useMemo(() => measurementSeries(measurements, threshold, field), [measurements, threshold?.value, field]);
  const data = useMemo((): uPlot.AlignedData => (threshold ? series : [series[0], series[1]]), [series, threshold === undefined]);
  if (!series[1].some((v) => v !== null)) {
    return (
      <p class="chart-empty" data-testid="measurement-chart">
        No numeric measurement yet.
      </p>
    );
  }
  return <UplotChart options={options} data={data} height={160} testId="measurement-chart" label={`Measurements of ${metric} over time${threshold ? `, threshold ${thresholdLabel(threshold)}` : ''}`} />;
}
