import type { BarSeriesOption, CustomSeriesOption, LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import type { ComposeOption, EChartsType } from 'echarts/core';
import { useEffect, useRef } from 'preact/hooks';

/**
 * The dashboard's charts: Apache ECharts, only what they use — bars, lines, a custom series for the
 * intervals' error bars, the grid, tooltip and legend — drawn by the SVG renderer. SVG rather than canvas:
 * the marks are elements a test (and a screen reader's tree, were it needed) can read, they stay sharp at
 * any zoom or print, and the few hundred elements of these charts are nothing to render. Imported by the
 * dashboard page only, so no other page loads ECharts, and from a chunk of its own (./echarts.ts) that the
 * page loads once it runs, so that its tables need not wait for the library.
 */

export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | CustomSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption
>;

/**
 * A chart in a box sized by the style sheet (`class`). ECharts draws into its own child element; the box
 * itself is an image to assistive technology, named by `label` — the numbers themselves are in the table
 * next to each chart. It follows the box's size (a phone turned, a window resized).
 */
export function Chart({ option, label, id, class: className }: { option: ChartOption; label: string; id: string; class: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | undefined>(undefined);

  const latest = useRef(option);
  latest.current = option;

  useEffect(() => {
    const el = box.current!;
    let observer: ResizeObserver | undefined;
    let gone = false;
    void import('./echarts').then(({ init }) => {
      if (gone) return;
      const instance = init(el, undefined, { renderer: 'svg' });
      chart.current = instance;
      instance.setOption(latest.current, { notMerge: true });
      observer = new ResizeObserver(() => instance.resize());
      observer.observe(el);
    }, (err: unknown) => console.error(err)); // the tables beside each chart still carry its numbers
    return () => {
      gone = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = undefined;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={box} id={id} class={`chart ${className}`} role="img" aria-label={label} />;
}
