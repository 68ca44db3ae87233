// The flywheel pages in a real browser, on a real flywheel run against the fine-tuning SIMULATION
// (no real model or training): the home page links the run, the run page charts every round with
// the flagged ones marked, the rounds table has a row per round, and a live run is redrawn as its
// rounds are stored.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFlywheel } from '../src/flywheel/run.ts';
import type { FlywheelRunDetail } from '../src/ui/api-types.ts';
import { runSimulatedFlywheel } from '../src/testing/flywheel-sample.ts';
import { startUiServer, type UiServer } from '../src/ui/server.ts';
import { buildFrontEnd } from '../src/ui/web/build.ts';
import { CHROMIUM_PATH, probes, requireService } from './support/services.ts';

const browserService = await requireService('chromium', probes.chromium);
const SHOTS = resolve(import.meta.dirname, '../test-output/ui');

/** A chart's series as the page drew them, read from its ECharts option. */
interface DrawnSeries {
  name: string;
  type: string;
  data: unknown[];
  marks: number;
}

describe.skipIf(browserService.missing)(browserService.title('the flywheel pages in a real browser'), () => {
  let db: string;
  let runId: string;
  let detail: FlywheelRunDetail;
  let server: UiServer;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await buildFrontEnd();
    db = join(mkdtempSync(join(tmpdir(), 'ouro-ui-flywheel-')), 'ouro.db');
    // Three rounds; the fine-tuned models of the simulation lose their diversity, so the guard flags rounds 1 and 2.
    runId = (await runSimulatedFlywheel({ db, rounds: 3, collapse: true })).runId;
    server = await startUiServer({ db, port: 0 });
    detail = (await (await fetch(new URL(`/api/flywheel/${runId}`, server.url))).json()) as FlywheelRunDetail;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
    mkdirSync(SHOTS, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(hash: string, view: 'runs' | 'flywheel' | 'flywheelRuns'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (error) => pageErrors.push(`${hash}: ${error.message}`));
    await page.goto(`${server.url}${hash}`);
    await waitForView(page, view);
    return page;
  }

  function waitForView(page: Page, view: string): Promise<unknown> {
    return page.waitForFunction((name) => (window.ouro?.ready as Record<string, number> | undefined)?.[name] !== undefined, view, {
      timeout: 20_000,
    });
  }

  function series(page: Page, chartId: string): Promise<DrawnSeries[]> {
    return page.evaluate((id) => {
      const chart = window.ouro.echarts.getInstanceByDom(document.getElementById(id) as HTMLElement);
      const drawn = (chart?.getOption().series ?? []) as Array<{
        name: string;
        type: string;
        data: unknown[];
        markLine?: { data?: unknown[] };
      }>;
      return drawn.map((entry) => ({ name: entry.name, type: entry.type, data: entry.data, marks: entry.markLine?.data?.length ?? 0 }));
    }, chartId);
  }

  const roundRows = (page: Page) => page.locator('.rounds-table tbody tr');

  it('lists the flywheel run on the home page, and its row opens the run', async () => {
    const page = await open('#/', 'runs');
    const row = page.locator(`tr[data-flywheel-run="${runId}"]`);
    expect(await row.count()).toBe(1);
    expect(await row.innerText()).toContain('finished');
    expect(await page.locator('[data-section=self-training-flywheel]').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'flywheel-runs.png'), fullPage: true });
    await row.locator('td').nth(1).click();
    await waitForView(page, 'flywheel');
    expect(new URL(page.url()).hash).toBe(`#/flywheel/${runId}`);
    await page.close();
  });

  it('charts accuracy per round with the flagged rounds marked, and kept examples, pairs and diversity per round', async () => {
    const page = await open(`#/flywheel/${runId}`, 'flywheel');
    expect(detail.rounds.map((round) => round.status)).toEqual(['complete', 'flagged', 'flagged']);

    const accuracy = await series(page, 'flywheel-accuracy-chart');
    const lines = accuracy.filter((entry) => entry.type === 'line');
    expect(lines.map((entry) => entry.name)).toEqual(['pass@1', 'pass@4', 'held-out accuracy']);
    for (const line of lines) expect(line.data).toHaveLength(3);
    expect(lines[0]?.data).toEqual(detail.rounds.map((round) => round.figures.passAt1));
    expect(lines[1]?.data).toEqual(detail.rounds.map((round) => round.figures.passAtK));
    expect(lines[2]?.data).toEqual(detail.rounds.map((round) => round.figures.heldOutAccuracy));
    // One red triangle on the held-out line and one dashed line per flagged round.
    const flagged = accuracy.find((entry) => entry.type === 'scatter');
    expect(flagged?.data).toEqual([
      [1, detail.rounds[1]?.figures.heldOutAccuracy],
      [2, detail.rounds[2]?.figures.heldOutAccuracy],
    ]);
    expect(flagged?.marks).toBe(2);

    const kept = await series(page, 'flywheel-kept-chart');
    expect(kept.map((entry) => [entry.name, entry.type, entry.data.length])).toEqual([
      ['kept examples', 'bar', 3],
      ['preference pairs', 'bar', 3],
      ['answer diversity', 'line', 3],
    ]);
    expect(kept[0]?.data).toEqual(detail.rounds.map((round) => round.figures.kept));
    expect(kept[1]?.data).toEqual(detail.rounds.map((round) => round.figures.pairs));
    expect(kept[2]?.data).toEqual(detail.rounds.map((round) => round.figures.answerDiversity));
    expect(kept[2]?.marks).toBe(1);
    // Hovering a flagged round gives its accuracies and the guard's reason.
    const target = await page.evaluate(() => {
      const element = document.getElementById('flywheel-accuracy-chart') as HTMLElement;
      const chart = window.ouro.echarts.getInstanceByDom(element);
      const series = (chart?.getOption().series ?? []) as Array<{ data: Array<number | null> }>;
      const [x, y] = chart!.convertToPixel({ seriesIndex: 2 }, [1, series[2]?.data[1] as number]) as number[];
      const box = element.getBoundingClientRect();
      return { x: box.left + (x as number), y: box.top + (y as number) };
    });
    await page.mouse.move(target.x, target.y);
    const tooltip = page.locator('#flywheel-accuracy-chart div', { hasText: 'flagged: round 1' }).last();
    await expect.poll(() => tooltip.count()).toBeGreaterThan(0);
    expect(await tooltip.innerText()).toMatch(/round 1[\s\S]*held-out accuracy\s*0\.700[\s\S]*diversity 0\.25 is below the floor/);
    for (const id of ['flywheel-accuracy-chart', 'flywheel-kept-chart'])
      expect(await page.locator(`#${id} canvas`).count()).toBeGreaterThan(0);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, 'flywheel.png'), fullPage: true });
    await page.close();
  });

  it("has one row per round with the guard's flags and each round's job", async () => {
    const page = await open(`#/flywheel/${runId}`, 'flywheel');
    const rows = roundRows(page);
    expect(await rows.count()).toBe(3);
    expect(await rows.evaluateAll((all) => all.map((row) => (row as HTMLElement).dataset.round))).toEqual(['0', '1', '2']);
    expect(await page.locator('.rounds-table tr.flagged').count()).toBe(2);
    expect(await rows.nth(1).innerText()).toMatch(/flagged.*diversity 0\.25 is below the floor of 0\.30/s);
    expect(await page.locator('.rounds-table td[data-job=succeeded]').count()).toBe(3);
    expect(await page.locator('.exports-table tbody tr').count()).toBe(detail.rounds.reduce((sum, round) => sum + round.exports.length, 0));
    expect(await page.locator('[data-figure=flagged]').innerText()).toContain('2');
    expect(await page.locator('[data-progress]').count()).toBe(0);
    await page.close();
  });

  it('redraws a live run as its rounds are stored, and stops when it finishes', async () => {
    const { store, flywheel } = openFlywheel(db);
    try {
      // A run written as the loop writes it, round by round, with the finished run's settings and rounds.
      const finished = flywheel.getRun(runId);
      const [round0, round1] = flywheel.rounds(runId);
      flywheel.createRun({ id: 'flive', settings: finished?.settings ?? {}, createdAt: Date.now() });
      const page = await open('#/flywheel/flive', 'flywheel');
      expect(await page.locator('[data-progress=sampling]').innerText()).toContain('round 0');
      expect(await page.locator('#flywheel-accuracy-chart').count()).toBe(0);
      await page.screenshot({ path: join(SHOTS, 'flywheel-live.png'), fullPage: true });

      flywheel.recordRound('flive', { ...(round0 as NonNullable<typeof round0>), createdAt: Date.now() });
      await expect.poll(() => roundRows(page).count(), { timeout: 10_000 }).toBe(1);
      await expect.poll(async () => (await series(page, 'flywheel-accuracy-chart'))[0]?.data.length, { timeout: 10_000 }).toBe(1);
      flywheel.recordRound('flive', { ...(round1 as NonNullable<typeof round1>), createdAt: Date.now() });
      await expect.poll(() => roundRows(page).count(), { timeout: 10_000 }).toBe(2);
      const accuracy = await series(page, 'flywheel-accuracy-chart');
      expect(accuracy.filter((entry) => entry.type === 'line').map((entry) => entry.data.length)).toEqual([2, 2, 2]);
      expect(accuracy.find((entry) => entry.type === 'scatter')?.data).toHaveLength(1);

      flywheel.appendEvent('flive', 'finished');
      await expect.poll(() => page.locator('.title-row .badge').innerText(), { timeout: 10_000 }).toBe('finished');
      expect(await page.locator('[data-progress]').count()).toBe(0);
      await page.close();
    } finally {
      store.close();
    }
  }, 60_000);

  it('lists the flywheel runs on their own page, and explains an unknown run', async () => {
    const page = await open('#/flywheel', 'flywheelRuns');
    expect(await page.locator('tr[data-flywheel-run]').count()).toBe(2);
    await page.goto(`${server.url}#/flywheel/f-nope`);
    await expect.poll(() => page.locator('.card.error').count()).toBe(1);
    expect(await page.locator('.card.error').innerText()).toMatch(/Not found[\s\S]*no flywheel run f-nope/);
    await page.close();
  });

  it('runs every flywheel view without a page error', () => {
    expect(pageErrors).toEqual([]);
  });
});
