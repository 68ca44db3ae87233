// The task pages in a real browser, on a task run written through the tasks store: the home page
// links the run, the run page charts kept and rejected by reason, the pass rates with the
// learnability band shaded and the curriculum's weights, its tables list the kept tasks and the
// rejections, and a live run is redrawn as its proposals, attempts and steps are stored.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/store.ts';
import { openTasks } from '../src/tasks/open.ts';
import type { TasksStore } from '../src/tasks/store.ts';
import { REJECT_REASONS } from '../src/tasks/types.ts';
import { SAMPLE_CATEGORIES, writeSampleTasksRun } from '../src/ui/api/sample-tasks-run.ts';
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
  areas: unknown[];
}

describe.skipIf(browserService.missing)(browserService.title('the task pages in a real browser'), () => {
  let db: string;
  let writer: { store: Store; tasks: TasksStore };
  let server: UiServer;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await buildFrontEnd();
    db = join(mkdtempSync(join(tmpdir(), 'ouro-ui-tasks-')), 'ouro.db');
    writer = openTasks(db);
    writeSampleTasksRun(writer.tasks, 'tsample');
    writer.tasks.appendEvent('tsample', 'finished');
    server = await startUiServer({ db, port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
    mkdirSync(SHOTS, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    writer?.store.close();
  });

  async function open(hash: string, view: 'runs' | 'tasks' | 'tasksRuns'): Promise<Page> {
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
      const element = document.getElementById(id);
      const chart = element ? window.ouro.echarts.getInstanceByDom(element) : undefined;
      const drawn = (chart?.getOption().series ?? []) as Array<{
        name: string;
        type: string;
        data: unknown[];
        markArea?: { data?: unknown[] };
      }>;
      return drawn.map((entry) => ({ name: entry.name, type: entry.type, data: entry.data, areas: entry.markArea?.data ?? [] }));
    }, chartId);
  }

  const values = (data: unknown[]) => data.map((item) => (item && typeof item === 'object' && 'value' in item ? item.value : item));

  it('lists the task run on the home page, and its row opens the run', async () => {
    const page = await open('#/', 'runs');
    expect(await page.locator('[data-section=generated-tasks-and-games]').count()).toBe(1);
    const row = page.locator('tr[data-tasks-run="tsample"]');
    expect(await row.count()).toBe(1);
    expect((await row.innerText()).split('\t').map((cell) => cell.trim())).toEqual([
      'tsample',
      'task generation',
      'finished',
      '10',
      '5',
      '5',
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d$/),
    ]);
    await page.screenshot({ path: join(SHOTS, 'tasks-runs.png'), fullPage: true });
    await row.locator('td').nth(1).click();
    await waitForView(page, 'tasks');
    expect(new URL(page.url()).hash).toBe('#/tasks/tsample');
    await page.close();
  });

  it('charts kept and rejected by every reason, the pass rates with the band shaded, and the curriculum weights', async () => {
    const page = await open('#/tasks/tsample', 'tasks');
    const [outcomes] = await series(page, 'tasks-outcomes-chart');
    expect(outcomes?.type).toBe('bar');
    const expected: Record<string, number> = { duplicate: 2, unparseable: 1, 'reference-fails': 1, 'too-easy': 1 };
    expect(values(outcomes?.data ?? [])).toEqual([5, ...REJECT_REASONS.map((reason) => expected[reason] ?? 0)]);

    const histogram = (await series(page, 'tasks-pass-rate-chart'))[0] as DrawnSeries;
    expect(histogram.data.map((point) => (point as number[])[1])).toEqual([1, 0, 0, 1, 0, 0, 1, 0, 0, 1]);
    expect((histogram.data[3] as number[])[0]).toBeCloseTo(0.35);
    // The band as a shaded area from its low to its high bound.
    expect(histogram.areas).toHaveLength(1);
    const [from, to] = histogram.areas[0] as Array<{ xAxis: number }>;
    expect([from?.xAxis, to?.xAxis]).toEqual([0.2, 0.8]);

    const curriculum = await series(page, 'tasks-curriculum-chart');
    expect(curriculum.map((line) => [line.name, line.type])).toEqual([
      [SAMPLE_CATEGORIES.strings, 'line'],
      [SAMPLE_CATEGORIES.arithmetic, 'line'],
      [SAMPLE_CATEGORIES.lists, 'line'],
    ]);
    expect(curriculum.map((line) => line.data)).toEqual([
      [0.5, 0.4, 0.45, 0.3],
      [0.5, 0.6, 0.55, 0.4],
      [null, null, null, 0.3],
    ]);
    for (const id of ['tasks-outcomes-chart', 'tasks-pass-rate-chart', 'tasks-curriculum-chart'])
      expect(await page.locator(`#${id} canvas`).count()).toBeGreaterThan(0);
    expect(await page.locator('[data-figure=learnable] dd').innerText()).toBe('2');
    expect(await page.locator('[data-progress]').count()).toBe(0);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, 'tasks.png'), fullPage: true });
    await page.close();
  });

  it('lists the kept tasks with their pass rate against the band, and the rejections newest first', async () => {
    const page = await open('#/tasks/tsample', 'tasks');
    const kept = page.locator('.kept-table tbody tr');
    expect(await kept.evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.task))).toEqual([
      'task-0',
      'task-2',
      'task-3',
      'task-5',
      'task-7',
    ]);
    const bands = await page
      .locator('.kept-table tbody tr td:nth-child(5)')
      .evaluateAll((cells) => cells.map((cell) => [(cell as HTMLElement).dataset.band ?? null, cell.textContent]));
    expect(bands).toEqual([
      ['inside', '0.30'],
      ['too-easy', '1.00'],
      ['too-hard', '0.00'],
      ['inside', '0.67'],
      [null, '–'],
    ]);
    expect(await kept.nth(0).innerText()).toMatch(/Sum of squares\s+math\/easy\/arithmetic\s+0\.30\s+3 \/ 10/);
    // Stored text is shown as text, never as markup.
    expect(await kept.nth(4).locator('td').nth(2).innerText()).toBe('Capitalise <b>each</b> word');
    expect(await page.locator('.kept-table b').count()).toBe(0);

    const rejections = page.locator('.rejections-table tbody tr');
    expect(
      await rejections.evaluateAll((rows) => rows.map((row) => [(row as HTMLElement).dataset.seq, (row as HTMLElement).dataset.reason])),
    ).toEqual([
      ['9', 'too-easy'],
      ['8', 'duplicate'],
      ['6', 'reference-fails'],
      ['4', 'unparseable'],
      ['1', 'duplicate'],
    ]);
    expect(await rejections.nth(2).innerText()).toContain('reference fails test "empty string": got undefined');
    expect(await page.locator('[data-section=self-play-episodes]').isHidden()).toBe(true);
    await page.close();
  });

  it('redraws a live run as its proposals, attempts and steps are stored, and stops when it finishes', async () => {
    const { tasks } = writer;
    tasks.createRun({ id: 'tlive', kind: 'generate', settings: { bounds: { low: 0.1, high: 0.9 } }, createdAt: Date.now() });
    const page = await open('#/tasks/tlive', 'tasks');
    expect(await page.locator('[data-progress]').count()).toBe(1);
    expect(await page.locator('#tasks-outcomes-chart').count()).toBe(0);
    expect(await page.locator('[data-section=kept-and-rejected] .empty').innerText()).toContain('No proposal');

    const category = { generator: 'math' as const, difficulty: 'easy' as const, topic: 'sums' };
    const task = {
      id: 'live-0',
      title: 'Add two numbers',
      category,
      statement: 'What is 2 + 2?',
      answer: { value: '4', program: 'export function answer() { return 2 + 2; }' },
      provenance: { generator: 'math' as const, model: 'scripted', prompt: 'p', reply: 'r' },
    };
    tasks.recordTask('tlive', 0, { task, validation: { kept: true, detail: 'ok', checks: [] } });
    tasks.recordTask('tlive', 1, {
      category,
      reply: '???',
      validation: { kept: false, reason: 'unparseable', detail: 'no JSON', checks: [] },
    });
    await expect
      .poll(async () => values((await series(page, 'tasks-outcomes-chart'))[0]?.data ?? []).slice(0, 2), { timeout: 10_000 })
      .toEqual([1, 1]);
    expect(await page.locator('.kept-table tbody tr').count()).toBe(1);
    expect(await page.locator('#tasks-pass-rate-chart').count()).toBe(0);

    for (let index = 0; index < 4; index++)
      tasks.recordAttempt('tlive', { taskId: 'live-0', model: 'solver', index, passed: index === 0, detail: '', tokens: 1, costUsd: 0 });
    tasks.recordCurriculum('tlive', { step: 0, snapshot: {}, weights: { 'math/easy/sums': 1 }, category: 'math/easy/sums', reward: 0.75 });
    await expect
      .poll(async () => (await series(page, 'tasks-pass-rate-chart'))[0]?.data.map((point) => (point as number[])[1]), { timeout: 10_000 })
      .toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    await expect.poll(async () => (await series(page, 'tasks-curriculum-chart'))[0]?.data, { timeout: 10_000 }).toEqual([1]);
    expect(await page.locator('.kept-table td[data-band=inside]').innerText()).toBe('0.25');
    // A redraw replaces the whole option: it must keep the animation off, or a screenshot catches points mid-growth.
    const animated = await page.evaluate(() =>
      ['tasks-outcomes-chart', 'tasks-pass-rate-chart', 'tasks-curriculum-chart'].map(
        (id) => window.ouro.echarts.getInstanceByDom(document.getElementById(id) as HTMLElement)?.getOption().animation,
      ),
    );
    expect(animated).toEqual([false, false, false]);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, 'tasks-live.png'), fullPage: true });

    tasks.appendEvent('tlive', 'finished');
    await expect.poll(() => page.locator('.title-row .badge').innerText(), { timeout: 10_000 }).toBe('finished');
    expect(await page.locator('[data-progress]').count()).toBe(0);
    await page.close();
  }, 60_000);

  it('shows a self-play run with its episodes by game', async () => {
    const { tasks } = writer;
    tasks.createRun({ id: 'tplay', kind: 'selfplay', settings: {}, createdAt: Date.now() });
    ['nim', 'nim', 'tictactoe'].forEach((game, seq) => tasks.recordEpisode('tplay', { seq, game, data: {}, createdAt: Date.now() }));
    tasks.appendEvent('tplay', 'finished');
    const page = await open('#/tasks/tplay', 'tasks');
    expect(await page.locator('h1').innerText()).toBe('Self-play');
    const rows = page.locator('.episodes-table tbody tr');
    expect(await rows.evaluateAll((all) => all.map((row) => row.textContent))).toEqual(['nim2', 'tictactoe1']);
    expect(await page.locator('#tasks-pass-rate-chart').count()).toBe(0);
    await page.close();
  });

  it('lists the task runs on their own page, and explains an unknown run', async () => {
    const page = await open('#/tasks', 'tasksRuns');
    expect(await page.locator('tr[data-tasks-run]').count()).toBe(3);
    await page.goto(`${server.url}#/tasks/t-nope`);
    await expect.poll(() => page.locator('.card.error').count()).toBe(1);
    expect(await page.locator('.card.error').innerText()).toMatch(/Not found[\s\S]*no task run t-nope/);
    await page.close();
  });

  it('runs every task view without a page error', () => {
    expect(pageErrors).toEqual([]);
  });
});
