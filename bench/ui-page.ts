import { chromium } from 'playwright-core';
import { startUiServer } from '../src/ui/server.ts';
import { buildFrontEnd } from '../src/ui/web/build.ts';
import { median } from './fixtures.ts';

const CHROMIUM = '/usr/bin/chromium';

/**
 * Serves `db`, opens the run's overview (`#/run/<id>`) in headless chromium three times, each in a
 * fresh browser context (cold cache), and reports the median milliseconds from navigation start
 * until the score chart has drawn the run's evaluations: the page sets `window.ouro.ready.overview`
 * (a `performance.now()` stamp) when the chart's first render finishes.
 */
export async function measurePage(db: string, runId: string): Promise<{ overviewInteractiveMs: number }> {
  await buildFrontEnd();
  const server = await startUiServer({ db, port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const times: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      const page = await context.newPage();
      await page.goto(`${server.url}#/run/${encodeURIComponent(runId)}`);
      const handle = await page.waitForFunction(() => window.ouro?.ready.overview, undefined, { timeout: 120_000, polling: 50 });
      times.push(Number(await handle.jsonValue()));
      const points = await page.evaluate(() => Number(document.getElementById('score-chart')?.dataset.points ?? 0));
      if (points === 0) throw new Error(`the overview of ${runId} drew no points`);
      await context.close();
    }
    return { overviewInteractiveMs: Math.round(median(times)) };
  } finally {
    await browser.close();
    await server.close();
  }
}
