import { h } from '../dom.ts';

/** A red badge for an agent that tried to escape the sandbox; `detail` shows on hover. */
export function flagBadge(text: string, detail: string): HTMLElement {
  return h('span', { class: 'badge flag-sandbox-violation', title: detail }, text);
}

/** The flags of one agent: `sandbox-violation` in red with the violations in its tooltip, others grey. */
export function agentFlags(flags: string[], violations: string[]): HTMLElement[] {
  return flags.map((flag) =>
    flag === 'sandbox-violation'
      ? flagBadge('sandbox violation', violations.length ? violations.join('\n') : 'flagged by the sandbox')
      : h('span', { class: 'badge' }, flag),
  );
}

/** Kept in the archive, or discarded with its reason. */
export function outcomeBadge(kept: boolean, reason: string | null): HTMLElement {
  return kept
    ? h('span', { class: 'badge status-kept' }, 'kept')
    : h('span', { class: 'badge status-discarded', title: reason ?? 'discarded' }, 'discarded');
}
