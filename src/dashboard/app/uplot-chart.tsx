// A uPlot chart as a Preact component: created once per mount, given new data in place, sized to its wrapper.
import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface UplotChartProps {
  /** Options without size: the wrapper's width decides it. */
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  height: number;
  testId: string;
  /** What the chart shows, for screen readers (the canvas says nothing). */
  label: string;
}

export function UplotChart(props: UplotChartProps): JSX.Element {
  const wrapper = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const { options, data, height } = props;

  useEffect(() => {
    const element = wrapper.current;
    if (!element) return undefined;
    const plot = new uPlot({ ...options, width: widthOf(element), height }, data, element);
    chart.current = plot;
    const observer = new ResizeObserver(() => plot.setSize({ width: widthOf(element), height }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
      chart.current = null;
    };
    // The options are fixed per mount; data changes go through setData below.
  }, [height]);

  useEffect(() => {
    chart.current?.setData(data);
  }, [data]);

  return <div class="chart" ref={wrapper} data-testid={props.testId} role="img" aria-label={props.label} />;
}

/**
 * The time axis of a chart: a single reading gets a minute either side (uPlot's own default for one instant spans
 * 86,400 of its time units, which with seconds is years).
 */
export const TIME_SCALE: uPlot.Scale = {
  time: true,
  range: (u, min, max) => {
    const xs = u.data?.[0];
    const only = xs?.length === 1 ? xs[0] : undefined;
    return only !== undefined && only !== null ? [only - 60, only + 60] : [min, max];
  },
};

function widthOf(element: HTMLElement): number {
  return Math.max(200, Math.floor(element.clientWidth));
}
