/**
 * The launcher's report (launch.mjs, inside the sandbox), read and checked on the host. It comes
 * from inside the sandbox, so its shape and every file name are checked before use.
 */

export interface LauncherReport {
  exitCode: number | null;
  signal: string | null;
  /** Why the launcher stopped the agent: its deadline, or the host's stop request; null when it exited by itself. */
  ended: 'timeout' | 'stopped' | null;
  durationMs: number;
  log: string;
  files: Record<string, string>;
  /** Workspace entries not read back, each with the reason. */
  skipped: string[];
  /** Changes in the sandbox's network-namespace counters (/proc/net/snmp, snmp6) during the agent's run. */
  network: Record<string, number>;
}

export const REPORT_PREFIX = '@@ouro-agent:';

/** Finds the one report line carrying `key`; the rest of stdout is returned for the log. */
export function extractReport(stdout: string, key: string): { report?: LauncherReport; rest: string } {
  const prefix = `${REPORT_PREFIX}${key}:`;
  const lines = stdout.split('\n');
  const found = lines.filter((line) => line.startsWith(prefix));
  const rest = lines
    .filter((line) => !line.startsWith(prefix))
    .join('\n')
    .trim();
  if (found.length !== 1) return { rest };
  try {
    const report = checkReport(JSON.parse((found[0] as string).slice(prefix.length)));
    return report === undefined ? { rest } : { report, rest };
  } catch {
    return { rest };
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function safeRelativeName(name: string): boolean {
  return (
    name !== '' &&
    !name.startsWith('/') &&
    !name.includes('\0') &&
    !name.includes('\\') &&
    !name.split('/').some((part) => part === '..' || part === '.' || part === '')
  );
}

function checkReport(raw: unknown): LauncherReport | undefined {
  if (!isRecord(raw)) return undefined;
  const { exitCode, signal, ended, durationMs, log, files, skipped, network } = raw;
  if (!(exitCode === null || Number.isInteger(exitCode)) || !(signal === null || typeof signal === 'string')) return undefined;
  if (!(ended === null || ended === 'timeout' || ended === 'stopped') || typeof durationMs !== 'number' || typeof log !== 'string')
    return undefined;
  if (!isRecord(files) || !Object.entries(files).every(([name, text]) => safeRelativeName(name) && typeof text === 'string'))
    return undefined;
  if (!Array.isArray(skipped) || !skipped.every((entry) => typeof entry === 'string')) return undefined;
  if (!isRecord(network) || !Object.values(network).every((value) => Number.isFinite(value))) return undefined;
  return {
    exitCode: exitCode as number | null,
    signal,
    ended,
    durationMs,
    log,
    files: files as Record<string, string>,
    skipped: skipped as string[],
    network: network as Record<string, number>,
  };
}

/**
 * Network escape attempts, read from the sandbox's own network-namespace counters: nothing else
 * runs in that namespace, so every change is the agent's (or its children's) doing.
 */
export function networkViolations(network: Readonly<Record<string, number>>): string[] {
  const count = (...names: string[]): number => names.reduce((sum, name) => sum + Math.max(0, network[name] ?? 0), 0);
  const violations: string[] = [];
  const unrouted = count('IpOutNoRoutes', 'Ip6OutNoRoutes');
  if (unrouted > 0)
    violations.push(`network: ${unrouted} attempt(s) to reach an address outside the sandbox (refused: the sandbox has no network)`);
  const unanswered = count('UdpNoPorts', 'Udp6NoPorts');
  if (unanswered > 0)
    violations.push(
      `network: ${unanswered} datagram(s) to a port nothing listens on inside the sandbox, such as DNS lookups of outside names`,
    );
  const refused = count('TcpAttemptFails');
  if (refused > 0)
    violations.push(
      `network: ${refused} refused TCP connection(s) to a local port nothing in the sandbox listens on (host services are not reachable)`,
    );
  return violations;
}
