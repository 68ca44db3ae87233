/**
 * What a harness inside an isolate answers the host: a value, or a failure it names. The
 * isolate's code is hostile, so the host reads the reply field by field and trusts nothing else.
 */
export type IsolateReply = { ok: true; value: unknown } | { ok: false; kind: 'error' | 'invalid-result'; message: string };

/** The reply, or undefined when the isolate sent something of another shape. */
export function parseIsolateReply(raw: unknown): IsolateReply | undefined {
  const reply = raw as Partial<Record<'ok' | 'value' | 'kind' | 'message', unknown>> | null;
  if (typeof reply !== 'object' || reply === null) return undefined;
  if (reply.ok === true) return { ok: true, value: reply.value };
  if (reply.ok === false && (reply.kind === 'error' || reply.kind === 'invalid-result') && typeof reply.message === 'string') {
    return { ok: false, kind: reply.kind, message: reply.message };
  }
  return undefined;
}
