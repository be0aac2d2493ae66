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

function widthOf(element: HTMLElement): number {
  return Math.max(200, Math.floor(element.clientWidth));
}
