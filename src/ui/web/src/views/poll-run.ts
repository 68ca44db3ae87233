import type { ViewContext } from '../view.ts';

/** How often a run that may be live is asked for again. */
export const POLL_MS = 2000;

/** A run page that a fresh detail can be drawn into, with a line for refresh trouble. */
export interface PolledPage<T> {
  update(detail: T): void;
  note(text: string): void;
}

/** A run whose last event is a start or a resume: running, or crashed without a word. */
export function isLiveRun(detail: { run: { status: string } }): boolean {
  return detail.run.status === 'crashed-or-running';
}

/**
 * Asks for a run's detail every two seconds while it may be live, redrawing the page only when
 * something changed; a failed fetch is said on the page and tried again. Stops when the run is no
 * longer live or the view is left. `first` is the detail already drawn.
 */
export function pollWhileLive<T extends { run: { status: string } }>(
  context: ViewContext,
  first: T,
  load: () => Promise<T>,
  page: PolledPage<T>,
): void {
  let shown = JSON.stringify(first);
  let timer: ReturnType<typeof setTimeout> | undefined;
  context.onLeave(() => clearTimeout(timer));
  const poll = async (): Promise<void> => {
    let live = true;
    try {
      const next = await load();
      if (!context.current()) return;
      live = isLiveRun(next);
      const text = JSON.stringify(next);
      if (text !== shown) {
        shown = text;
        page.update(next);
      }
      page.note('');
    } catch (error) {
      if (!context.current()) return;
      page.note(`Could not refresh: ${error instanceof Error ? error.message : String(error)}. Trying again.`);
    }
    if (live && context.current()) timer = setTimeout(() => void poll(), POLL_MS);
  };
  if (isLiveRun(first)) timer = setTimeout(() => void poll(), POLL_MS);
}
