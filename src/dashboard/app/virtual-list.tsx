// A windowed list of fixed-height rows: only the rows in view (plus an overscan) are in the DOM, so thousands of
// rows scroll and update as fast as a few dozen. The scroll container is the list itself.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { visibleRange } from './visible-range.js';

export interface VirtualListProps<T> {
  items: readonly T[];
  rowHeight: number;
  overscan?: number;
  testId: string;
  label: string;
  itemKey: (item: T) => string;
  renderRow: (item: T, index: number) => ComponentChildren;
  empty: ComponentChildren;
}

export function VirtualList<T>(props: VirtualListProps<T>): JSX.Element {
  const container = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);

  useLayoutEffect(() => {
    const element = container.current;
    if (!element) return undefined;
    setViewport(element.clientHeight);
    const observer = new ResizeObserver(() => setViewport(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // A filter that shortens the list can leave the scroll position past its end.
  useEffect(() => {
    const element = container.current;
    if (element && element.scrollTop !== scrollTop) setScrollTop(element.scrollTop);
  }, [props.items.length]);

  const { rowHeight, items } = props;
  const range = visibleRange(scrollTop, viewport, rowHeight, items.length, props.overscan ?? 8);
  const rows: ComponentChildren[] = [];
  for (let i = range.start; i < range.end; i++) {
    const item = items[i] as T;
    rows.push(
      <div role="listitem" key={props.itemKey(item)} class="virtual-row" style={{ height: `${rowHeight}px` }}>
        {props.renderRow(item, i)}
      </div>,
    );
  }
  return (
    <div class="virtual-list" ref={container} data-testid={props.testId} aria-label={props.label} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
      {items.length === 0 ? (
        props.empty
      ) : (
        <div class="virtual-sizer" role="list" aria-label={props.label} style={{ height: `${items.length * rowHeight}px` }}>
          <div class="virtual-window" style={{ transform: `translateY(${range.start * rowHeight}px)` }}>
            {rows}
          </div>
        </div>
      )}
    </div>
  );
}
