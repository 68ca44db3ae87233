// The Pareto-front heat map in a real browser: rows and columns as the API gives them, leaders
// marked, hover and click, a live run's front replaced as it changes, and a run without instances.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evolve } from '../src/engine/evolve.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { writeTinyExperiment } from '../src/testing/tiny-experiment.ts';
import type { ParetoFront } from '../src/ui/api-types.ts';
import { commitSample, writeSampleFrontRun } from '../src/ui/api/sample-run.ts';
import { startUiServer, type UiServer } from '../src/ui/server.ts';
import { buildFrontEnd } from '../src/ui/web/build.ts';
import { CHROMIUM_PATH, probes, requireService } from './support/services.ts';

const browserService = await requireService('chromium', probes.chromium);
const SHOTS = resolve(import.meta.dirname, '../test-output/ui');

/** The tiny experiment's distance, split into one instance per number. */
const INSTANCE_EVALUATOR = `export default async function evaluate(genome, context) {
  const program = await context.isolate('solve.js');
  const [a, b, c] = await program.call('solve');
  const instances = { 'near-a': -((a - 3) ** 2), 'near-b': -((b + 2) ** 2), 'near-c': -((c - 0.5) ** 2) };
  const score = instances['near-a'] + instances['near-b'] + instances['near-c'];
  if (!Number.isFinite(score)) throw new Error('solve() returned ' + JSON.stringify([a, b, c]));
  return { score, instances };
}
`;

/** What the page's heat map holds, read from its ECharts option. */
interface Drawn {
  rows: string[];
  columns: string[];
  cells: number[][];
  leaders: number[][];
}

describe.skipIf(browserService.missing)(browserService.title('the Pareto-front heat map in a real browser'), () => {
  let db: string;
  let store: SqliteStore;
  let server: UiServer;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await buildFrontEnd();
    db = join(mkdtempSync(join(tmpdir(), 'ouro-ui-front-')), 'ouro.db');
    store = new SqliteStore(db);
    writeSampleFrontRun(store, 'front');
    server = await startUiServer({ db, port: 0, pollMs: 100 });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
    mkdirSync(SHOTS, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    store?.close();
  });

  async function open(runId: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (error) => pageErrors.push(`${runId}: ${error.message}`));
    await page.goto(`${server.url}#/run/${runId}/front`);
    await page.waitForFunction(() => window.ouro?.ready.front !== undefined, undefined, { timeout: 20_000 });
    return page;
  }

  function drawn(page: Page): Promise<Drawn> {
    return page.evaluate(() => {
      const chart = window.ouro.echarts.getInstanceByDom(document.getElementById('front-chart') as HTMLElement);
      const option = chart?.getOption() as {
        yAxis: Array<{ data: string[] }>;
        xAxis: Array<{ data: string[] }>;
        series: Array<{ type: string; data: number[][] }>;
      };
      return {
        rows: option.yAxis[0]?.data ?? [],
        columns: option.xAxis[0]?.data ?? [],
        cells: option.series.find((series) => series.type === 'heatmap')?.data ?? [],
        leaders: option.series.find((series) => series.type === 'scatter')?.data ?? [],
      };
    });
  }

  /** Where a cell of the heat map is on the page. */
  function cellPosition(page: Page, column: number, row: number): Promise<{ x: number; y: number }> {
    return page.evaluate(
      ([x, y]) => {
        const element = document.getElementById('front-chart') as HTMLElement;
        const chart = window.ouro.echarts.getInstanceByDom(element);
        const [left, top] = chart!.convertToPixel({ seriesIndex: 0 }, [x as number, y as number]) as number[];
        const box = element.getBoundingClientRect();
        return { x: box.left + (left as number), y: box.top + (top as number) };
      },
      [column, row],
    );
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  }

  it('draws the front as rows by instances, leaders dotted, and a hovered cell names its candidate, instance and score', async () => {
    const page = await open('front');
    const heatMap = await drawn(page);
    expect(heatMap.rows).toEqual(['#4 llm-rewrite', '#7 perturb-number', '#1 perturb-number', '#6 llm-rewrite', '#2 llm-rewrite']);
    expect(heatMap.columns).toEqual(['a', 'b', 'c', 'd']);
    // Five rows of four, less the three instances front-6 has no score for.
    expect(heatMap.cells).toHaveLength(17);
    expect(heatMap.leaders).toHaveLength(7);
    expect(heatMap.leaders).toContainEqual([3, 4]);
    expect(await page.locator('#front-chart canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('.tabs a.tab.active').innerText()).toBe('Pareto front');
    expect(await page.locator('#front-members tbody tr').count()).toBe(5);
    expect(await page.locator('[data-section=pareto-front]').innerText()).toContain(
      '5 front members over 4 instances, from 7 ok evaluations',
    );

    // Coloured within each instance: the leaders' cells at 1, the lowest shown at 0, scores unchanged in tooltips.
    await page.selectOption('#front-colouring', 'instance');
    const relative = await drawn(page);
    expect(relative.cells).toContainEqual([3, 4, 1]);
    expect(relative.cells).toContainEqual([3, 0, 0]);
    expect(relative.cells.every((cell) => (cell[2] as number) >= 0 && (cell[2] as number) <= 1)).toBe(true);

    const specialist = await cellPosition(page, 3, 4);
    await page.mouse.move(specialist.x, specialist.y);
    await expect.poll(() => page.evaluate(() => document.body.innerText)).toMatch(/front-2 · llm-rewrite\s+d: 0\.9 · leads alone/);
    const tied = await cellPosition(page, 2, 2);
    await page.mouse.move(tied.x, tied.y);
    await expect
      .poll(() => page.evaluate(() => document.body.innerText))
      .toMatch(/front-1 · perturb-number\s+c: 0\.6 · leads tied with 2 others/);
    await shot(page, 'front');
    await page.mouse.move(specialist.x, specialist.y);

    await page.mouse.click(specialist.x, specialist.y);
    await page.waitForFunction(() => window.ouro?.ready.candidate !== undefined, undefined, { timeout: 20_000 });
    expect(new URL(page.url()).hash).toBe('#/candidate/front-2');
    await page.close();
  });

  it('follows a live run: a candidate that dominates the whole front replaces it without a reload', async () => {
    const page = await open('front');
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 1;
    });
    commitSample(store, {
      runId: 'front',
      seq: 8,
      parents: ['front-1'],
      operator: 'crossover',
      score: 0.9,
      reward: 1,
      logOrder: 8,
      elapsedMs: 90,
      createdAt: Date.now(),
      instances: { a: 0.95, b: 0.96, c: 0.7, d: 0.95 },
    });
    await page.waitForFunction(() => document.getElementById('front-chart')?.dataset.rows === '1', undefined, { timeout: 20_000 });
    const heatMap = await drawn(page);
    expect(heatMap.rows).toEqual(['#8 crossover']);
    expect(heatMap.cells).toHaveLength(4);
    expect(heatMap.leaders).toHaveLength(4);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    await page.close();
  });

  it("draws an evolved run's front with one column per instance its evaluator gave", async () => {
    const run = await evolve(writeTinyExperiment({ evaluator: INSTANCE_EVALUATOR, config: "archive: { kind: 'pareto' }," }), {
      db,
      seed: 5,
      budget: { evaluations: 30 },
    });
    const api = (await (await fetch(`${server.url}api/runs/${run.runId}/front`)).json()) as ParetoFront;
    expect(api.instances).toEqual(['near-a', 'near-b', 'near-c']);
    expect(api.candidates.length).toBeGreaterThan(0);
    const page = await open(run.runId);
    const heatMap = await drawn(page);
    expect(heatMap.rows).toHaveLength(api.candidates.length);
    expect(heatMap.columns).toEqual(api.instances);
    expect(heatMap.cells).toHaveLength(api.candidates.length * 3);
    // Every instance has a leader on the front.
    expect(new Set(heatMap.leaders.map((leader) => leader[0]))).toEqual(new Set([0, 1, 2]));
    await shot(page, 'front-evolved');
    await page.close();
  }, 60_000);

  it('explains a run whose evaluator gives no per-instance scores', async () => {
    store.createRun({
      id: 'plain',
      experiment: 'plain',
      experimentDir: 'plain',
      config: { name: 'plain', archive: { kind: 'greedy', k: 3 } },
      settings: { seed: 1, options: {}, budget: {}, concurrency: 1 },
      createdAt: Date.now(),
    });
    commitSample(store, {
      runId: 'plain',
      seq: 0,
      parents: [],
      operator: 'initial',
      score: 1,
      reward: 0,
      logOrder: 0,
      elapsedMs: 1,
      createdAt: Date.now(),
      instances: {},
    });
    const page = await open('plain');
    expect(await page.locator('[data-section=pareto-front]').innerText()).toContain('gave per-instance scores');
    expect(await page.locator('#front-chart').isHidden()).toBe(true);
    await page.close();
  });

  it('runs without a page error', () => {
    expect(pageErrors).toEqual([]);
  });
});
