import type { FetchFunction } from './providers.ts';
import { rootMessage } from './retry.ts';
import { baseUrlOf, missingKey, type ResolvedModel } from './spec.ts';

export interface ProbeOptions {
  timeoutMs?: number;
  fetch?: FetchFunction;
}

export interface ProbeResult {
  reachable: boolean;
  detail: string;
}

function authHeaders(resolved: ResolvedModel): Record<string, string> {
  if (resolved.apiKey === undefined) return {};
  if (resolved.spec.provider === 'anthropic') return { 'x-api-key': resolved.apiKey, 'anthropic-version': '2023-06-01' };
  return { authorization: `Bearer ${resolved.apiKey}` };
}

/**
 * Whether the model's server answers at all: GET `<base URL>/models`, free of charge. Any HTTP
 * status counts as reachable (a 401 still proves the server is there); a refused connection,
 * an unknown host or silence until the timeout does not. A missing key is reported first.
 *
 * @example
 * const { reachable, detail } = await probeModel(resolved);
 */
export async function probeModel(resolved: ResolvedModel, options: ProbeOptions = {}): Promise<ProbeResult> {
  const variable = missingKey(resolved);
  if (variable !== null) {
    return { reachable: false, detail: `no API key for ${resolved.id}: set the environment variable ${variable}` };
  }
  const timeoutMs = options.timeoutMs ?? 5_000;
  const url = `${baseUrlOf(resolved.spec)}/models`;
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await (options.fetch ?? fetch)(url, { headers: authHeaders(resolved), signal: timeout });
    await response.body?.cancel();
    return { reachable: true, detail: `HTTP ${response.status} from ${url}` };
  } catch (error) {
    if (timeout.aborted) return { reachable: false, detail: `no answer from ${url} within ${timeoutMs} ms` };
    return { reachable: false, detail: `cannot reach ${url}: ${rootMessage(error)}` };
  }
}
