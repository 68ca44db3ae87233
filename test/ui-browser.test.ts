import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evolve, resume } from '../src/engine/evolve.ts';
import { SAMPLE_VIOLATIONS, writeSampleDgmRun } from '../src/agents/dgm/queries-testing.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { nudgeNumberResponder } from '../src/testing/responders.ts';
import { startScriptedLlmServer } from '../src/testing/scripted-llm-server.ts';
import { writeTinyExperiment } from '../src/testing/tiny-experiment.ts';
import { startUiServer, type UiServer } from '../src/ui/server.ts';
import { buildFrontEnd } from '../src/ui/web/build.ts';
import { CHROMIUM_PATH, probes, requireService } from './support/services.ts';

const browserService = await requireService('chromium', probes.chromium);
const SHOTS = resolve(import.meta.dirname, '../test-output/ui');
const MAP_ELITES =
  "archive: { kind: 'map-elites', islands: 2, features: [{ name: 'spread', min: 0, max: 5, bins: 5 }] }, " +
  "bestKnown: { score: 0, source: 'the exact answer' },";
const FIRST_BUDGET = 60;

type View = 'runs' | 'overview' | 'lineage' | 'grid' | 'candidate' | 'dgm';

describe.skipIf(browserService.missing)(browserService.title('the dashboard in a real browser'), () => {
  let db: string;
  let runId: string;
  let server: UiServer;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await buildFrontEnd();
    db = join(mkdtempSync(join(tmpdir(), 'ouro-ui-browser-')), 'ouro.db');
    const result = await evolve(writeTinyExperiment({ config: MAP_ELITES }), { db, seed: 3, budget: { evaluations: FIRST_BUDGET } });
    runId = result.runId;
    server = await startUiServer({ db, port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
    mkdirSync(SHOTS, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(hash: string, view: View): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (error) => pageErrors.push(`${hash}: ${error.message}`));
    await page.goto(`${server.url}${hash}`);
    await waitForView(page, view);
    return page;
  }

  function waitForView(page: Page, view: View): Promise<unknown> {
    return page.waitForFunction((name) => window.ouro?.ready[name as View] !== undefined, view, { timeout: 20_000 });
  }

  async function shot(page: Page, name: string, fullPage = true): Promise<void> {
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
  }

  /** Evaluations drawn as points in the overview's score chart, read from its ECharts option. */
  function scorePoints(page: Page): Promise<number> {
    return page.evaluate(() => {
      const chart = window.ouro.echarts.getInstanceByDom(document.getElementById('score-chart') as HTMLElement);
      const series = (chart?.getOption().series ?? []) as Array<{ type: string; data: unknown[] }>;
      return series.filter((entry) => entry.type === 'scatter').reduce((total, entry) => total + entry.data.length, 0);
    });
  }

  it('lists the run, and its row opens the run', async () => {
    const page = await open('#/', 'runs');
    const row = page.locator(`tr[data-run="${runId}"]`);
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.innerText()).toContain('tiny');
    expect(await row.innerText()).toContain(String(FIRST_BUDGET));
    await shot(page, 'runs');
    await row.locator('td').nth(1).click();
    await waitForView(page, 'overview');
    expect(new URL(page.url()).hash).toBe(`#/run/${runId}`);
    await page.close();
  });

  it("draws every evaluation in the overview's score chart, and a point opens its candidate", async () => {
    const page = await open(`#/run/${runId}`, 'overview');
    expect(await scorePoints(page)).toBe(FIRST_BUDGET);
    const best = await page.evaluate(() => {
      const chart = window.ouro.echarts.getInstanceByDom(document.getElementById('score-chart') as HTMLElement);
      const series = (chart?.getOption().series ?? []) as Array<{
        name: string;
        data: unknown[];
        markLine?: { data: Array<{ name: string; yAxis: number }> };
      }>;
      const line = series.find((entry) => entry.name === 'best so far');
      return { points: line?.data.length ?? 0, marks: line?.markLine?.data.map((mark) => [mark.name, mark.yAxis]) };
    });
    expect(best.points).toBeGreaterThan(1);
    expect(best.marks).toEqual([['best known', 0]]);
    await expect.poll(() => page.locator('#throughput-chart canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-section=operators]').innerText()).toContain('perturb-number');
    await shot(page, 'overview');

    // Click the chart's last ok point, found through the chart's own coordinate system.
    const target = await page.evaluate(() => {
      const element = document.getElementById('score-chart') as HTMLElement;
      const chart = window.ouro.echarts.getInstanceByDom(element);
      const series = (chart?.getOption().series ?? []) as Array<{ type: string; name: string; data: Array<[number, number]> }>;
      const seriesIndex = series.findIndex((entry) => entry.type === 'scatter' && entry.name.startsWith('island'));
      const point = series[seriesIndex]?.data.at(-1) as [number, number];
      const [x, y] = chart!.convertToPixel({ seriesIndex }, point) as number[];
      const box = element.getBoundingClientRect();
      return { x: box.left + (x as number), y: box.top + (y as number) };
    });
    await page.mouse.move(target.x, target.y);
    await page.mouse.click(target.x, target.y);
    await waitForView(page, 'candidate');
    expect(new URL(page.url()).hash).toMatch(new RegExp(`^#/candidate/${runId}-\\d+$`));
    await page.close();
  });

  it("shows a lineage node's candidate and its diff when the node is clicked", async () => {
    const page = await open(`#/run/${runId}/lineage`, 'lineage');
    const nodes = await page.evaluate(() => window.ouro.cy?.nodes().length ?? 0);
    expect(nodes).toBeGreaterThan(1);
    expect(await page.evaluate(() => window.ouro.cy?.edges('.best').length ?? 0)).toBeGreaterThan(0);
    // A node with a parent that is not the best (the best is shown from the start).
    const target = await page.evaluate(() => {
      const cy = window.ouro.cy;
      const node = cy?.nodes(':unselected').filter((candidate) => candidate.indegree(false) > 0)[0];
      if (!cy || !node) return null;
      const box = cy.container()?.getBoundingClientRect() as DOMRect;
      const position = node.renderedPosition();
      return { id: node.id(), x: box.left + position.x, y: box.top + position.y };
    });
    expect(target).not.toBeNull();
    await page.mouse.click(target!.x, target!.y);
    const panel = page.locator(`#lineage-panel[data-candidate="${target!.id}"]`);
    await panel.waitFor({ timeout: 10_000 });
    expect(await panel.innerText()).toContain(target!.id);
    expect(await panel.locator('.diff-file').count()).toBeGreaterThan(0);
    expect(await panel.locator('td.code.added, td.code.removed').count()).toBeGreaterThan(0);
    await shot(page, 'lineage');
    await page.close();
  });

  it("fills the MAP-Elites grid's cells, per island", async () => {
    const page = await open(`#/run/${runId}/grid`, 'grid');
    const cells = await page.evaluate(() => {
      const chart = window.ouro.echarts.getInstanceByDom(document.getElementById('grid-chart') as HTMLElement);
      const series = (chart?.getOption().series ?? []) as Array<{ type: string; data: number[][] }>;
      return series.filter((entry) => entry.type === 'heatmap').flatMap((entry) => entry.data);
    });
    expect(cells.length).toBeGreaterThan(0);
    expect(new Set(cells.map((cell) => cell[1])).size).toBe(2);
    await shot(page, 'grid');
    await page.close();
  });

  it("shows a candidate's evaluation, genome and side-by-side diff", async () => {
    const best = (await (await fetch(`${server.url}api/runs/${runId}`)).json()) as { bestCandidate: string };
    const page = await open(`#/candidate/${best.bestCandidate}`, 'candidate');
    const text = await page.locator('main').innerText();
    expect(text).toContain(best.bestCandidate);
    expect(text).toContain('distance');
    expect(await page.locator('.diff-split td.code.added').count()).toBeGreaterThan(0);
    expect(await page.locator('.genome-file').count()).toBe(1);
    await shot(page, 'candidate');
    await page.close();
  });

  it('adds live candidates to the open overview and lineage without a reload', async () => {
    const overview = await open(`#/run/${runId}`, 'overview');
    const lineage = await open(`#/run/${runId}/lineage?top=1000`, 'lineage');
    const lineageNodes = () => lineage.evaluate(() => window.ouro.cy?.nodes().length ?? 0);
    const nodesBefore = await lineageNodes();
    // A marker that a reload would erase.
    for (const page of [overview, lineage])
      await page.evaluate(() => {
        (window as unknown as { marker: number }).marker = 1;
      });

    const resumed = resume(runId, { db, budget: { evaluations: FIRST_BUDGET + 30 } });
    await overview.waitForFunction((before) => Number(document.getElementById('score-chart')?.dataset.points) > before, FIRST_BUDGET, {
      timeout: 30_000,
    });
    await lineage.waitForFunction((before) => (window.ouro.cy?.nodes().length ?? 0) > before, nodesBefore, { timeout: 30_000 });
    await resumed;
    await expect.poll(() => scorePoints(overview), { timeout: 10_000 }).toBe(FIRST_BUDGET + 30);
    expect(await lineageNodes()).toBeGreaterThan(nodesBefore);
    for (const page of [overview, lineage]) expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    await lineage.waitForTimeout(1200);
    await shot(overview, 'overview-live');
    await shot(lineage, 'lineage-live');
    await overview.close();
    await lineage.close();
  });

  it("shows a model run's spend, its models and each candidate's exact prompt and reply", async () => {
    const nudge = nudgeNumberResponder({ scale: 0.2 });
    const llm = await startScriptedLlmServer({
      respond: (request) => {
        const prompt = request.messages.map((message) => message.content).join('\n');
        return {
          text: prompt.includes('EVOLVE-BLOCK-START') ? nudge(prompt) : '1. Moving a toward 3 pays off.\n2. Large steps in c rarely help.',
        };
      },
    });
    try {
      const model = `compat:${llm.compatBaseURL}#scripted-coder`;
      const config = `operators: ['llm-diff', 'perturb-number'], models: [{ id: '${model}', price: { input: 3, output: 15 } }],`;
      const run = await evolve(writeTinyExperiment({ config }), { db, seed: 2, concurrency: 1, budget: { evaluations: 24 } });
      const page = await open(`#/run/${run.runId}`, 'overview');
      const spendPoints = await page.evaluate(() => {
        const chart = window.ouro.echarts.getInstanceByDom(document.getElementById('spend-chart') as HTMLElement);
        return ((chart?.getOption().series ?? []) as Array<{ data: unknown[] }>)[0]?.data.length ?? 0;
      });
      expect(spendPoints).toBe(llm.requests.length);
      expect(await page.locator('[data-section=models]').innerText()).toContain('scripted-coder');
      await shot(page, 'overview-llm');

      const detail = (await (await fetch(`${server.url}api/runs/${run.runId}/lineage?top=100`)).json()) as {
        nodes: Array<{ id: string; operator: string; status: string }>;
      };
      const child = detail.nodes.find((node) => node.operator === 'llm-diff' && node.status === 'ok');
      expect(child).toBeDefined();
      await page.goto(`${server.url}#/candidate/${child!.id}`);
      await waitForView(page, 'candidate');
      const calls = page.locator('[data-section=model-calls]');
      expect(await calls.innerText()).toMatch(/scripted-coder[\s\S]*\d+ in · \d+ out[\s\S]*\$0\.\d+/);
      expect(await calls.locator('details.message').count()).toBeGreaterThanOrEqual(2);
      expect(await calls.innerText()).toContain('<<<<<<< SEARCH');
      await shot(page, 'candidate-llm');
      await page.close();
    } finally {
      await llm.close();
    }
  });

  it('explains an unknown run and a run without a grid', async () => {
    const page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.url}#/run/r-nope`);
    await page.locator('.card.error').waitFor();
    expect(await page.locator('.card.error').innerText()).toMatch(/Not found[\s\S]*no run r-nope/);

    const greedy = await evolve(writeTinyExperiment({ config: "archive: { kind: 'greedy', k: 5 }," }), {
      db,
      seed: 1,
      budget: { evaluations: 5 },
    });
    await page.goto(`${server.url}#/run/${greedy.runId}/grid`);
    await waitForView(page, 'grid');
    expect(await page.locator('[data-section=map-elites-grid]').innerText()).toContain('not a MAP-Elites grid');
    await page.close();
  });

  it('marks the DGM agent that tried to escape the sandbox with a red badge, and shows its violations, diagnosis and diff', async () => {
    // Written after the dashboard opened the file, as a DGM run started next to a live dashboard would be.
    const store = new SqliteStore(db);
    try {
      writeSampleDgmRun(store, 'dgm-ui');
    } finally {
      store.close();
    }
    const page = await open('#/', 'runs');
    const runRow = page.locator('tr[data-dgm-run="dgm-ui"]');
    await expect.poll(() => runRow.count()).toBe(1);
    expect(await runRow.locator('.flag-sandbox-violation').innerText()).toBe('1 sandbox violation');
    await runRow.locator('td').nth(1).click();
    await waitForView(page, 'dgm');
    expect(new URL(page.url()).hash).toMatch(/^#\/dgm\/dgm-ui/);

    expect(await page.locator('.dgm-table tbody tr').count()).toBe(4);
    const badges = page.locator('.dgm-table .badge.flag-sandbox-violation');
    expect(await badges.count()).toBe(1);
    const badge = page.locator('tr[data-agent="dgm-ui-2"] .badge.flag-sandbox-violation');
    expect(await badge.isVisible()).toBe(true);
    expect(await badge.getAttribute('title')).toBe(SAMPLE_VIOLATIONS.join('\n'));
    expect(await badge.evaluate((element) => getComputedStyle(element).backgroundColor)).toBe('rgb(224, 49, 49)');
    expect(await page.locator('tr[data-agent="dgm-ui-3"]').innerText()).toContain('discarded');

    await page.locator('tr[data-agent="dgm-ui-2"] td').first().click();
    const panel = page.locator('#dgm-panel[data-agent="dgm-ui-2"]');
    await panel.waitFor({ timeout: 10_000 });
    expect(await panel.locator('.violations li').allInnerTexts()).toEqual(SAMPLE_VIOLATIONS);
    expect(await panel.locator('.diagnosis').innerText()).toContain('The agent runs past its time limit.');
    expect(await panel.locator('td.code.added').allInnerTexts()).toContainEqual(expect.stringContaining('"curl"'));
    expect(new URL(page.url()).hash).toBe('#/dgm/dgm-ui?agent=dgm-ui-2');
    await shot(page, 'dgm');
    await page.close();
  });

  it('runs every view without a page error', () => {
    expect(pageErrors).toEqual([]);
  });
});
