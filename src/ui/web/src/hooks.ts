import type { Core } from 'cytoscape';
import { echarts } from './charts.ts';

/**
 * What the page exposes for browser tests and the page benchmark: when each view became
 * interactive (`performance.now()`), the chart library to find chart instances, and the graph.
 */
export interface PageHooks {
  ready: Partial<
    Record<
      'runs' | 'overview' | 'lineage' | 'grid' | 'front' | 'candidate' | 'dgm' | 'flywheel' | 'flywheelRuns' | 'tasks' | 'tasksRuns',
      number
    >
  >;
  echarts: { getInstanceByDom: typeof echarts.getInstanceByDom };
  cy: Core | null;
  /** Candidate events received live since the view opened. */
  liveEvents: number;
}

declare global {
  interface Window {
    ouro: PageHooks;
  }
}

window.ouro = { ready: {}, echarts: { getInstanceByDom: echarts.getInstanceByDom }, cy: null, liveEvents: 0 };

export function markReady(view: keyof PageHooks['ready']): void {
  window.ouro.ready[view] = performance.now();
}

export function resetHooks(): void {
  window.ouro.ready = {};
  window.ouro.cy = null;
  window.ouro.liveEvents = 0;
}
