// The canary's traffic weight over the release, as a stepped uPlot line from 0 to 100 %.
import type { JSX } from 'preact';
import { useMemo } from 'preact/hooks';
import uPlot from 'uplot';
import type { WeightPoint } from './api-types.js';
import { TIME_SCALE, UplotChart } from './uplot-chart.js';
import { weightSeries } from './weight-series.js';

const OPTIONS: Omit<uPlot.Options, 'width' | 'height'> = {
  scales: { x: TIME_SCALE, y: { range: [0, 100] } },
  axes: [{ space: 80 }, { values: (_u, ticks) => ticks.map((t) => `${t}%`), size: 50 }],
  series: [
    {},
    {
      label: 'canary weight',
      stroke: '#1f6feb',
      width: 2,
      fill: 'rgba(31, 111, 235, 0.12)',
      paths: uPlot.paths.stepped?.({ align: 1 }),
      value: (_u, v) => (v === null ? '—' : `${v}%`),
    },
  ],
};

export function WeightChart(props: { points: readonly WeightPoint[]; now: number }): JSX.Element {
  // The line is drawn up to "now"; a new point each second would redraw for nothing, a minute's step is enough.
  const minute = Math.floor(props.now / 60_000) * 60_000;
  const data = useMemo(() => weightSeries(props.points, minute), [props.points, minute]);
  if (data[0].length === 0) {
    return (
      <p class="chart-empty" data-testid="weight-chart">
        No weight recorded for this release yet.
      </p>
    );
  }
  return <UplotChart options={OPTIONS} data={data} height={180} testId="weight-chart" label="Canary traffic weight over the release" />;
}
