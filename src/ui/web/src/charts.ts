import { BarChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  HeatmapChart,
  LineChart,
  ScatterChart,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export type Chart = echarts.ECharts;
export { echarts };

const TEXT = { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', color: '#495057' };

/** A chart in `element` that follows its size and is disposed with the view. */
export function createChart(element: HTMLElement): { chart: Chart; dispose(): void } {
  const chart = echarts.init(element, null, { renderer: 'canvas' });
  chart.setOption({ textStyle: TEXT, animation: false });
  const observer = new ResizeObserver(() => chart.resize());
  observer.observe(element);
  return {
    chart,
    dispose() {
      observer.disconnect();
      chart.dispose();
    },
  };
}

/** Calls `then` once the chart has drawn what it was last given. */
export function whenRendered(chart: Chart, then: () => void): void {
  const handler = () => {
    chart.off('finished', handler);
    then();
  };
  chart.on('finished', handler);
}

export const AXIS = {
  axisLine: { lineStyle: { color: '#adb5bd' } },
  splitLine: { lineStyle: { color: '#edf0f2' } },
  axisLabel: { color: '#6c757d' },
  nameTextStyle: { color: '#6c757d' },
};
