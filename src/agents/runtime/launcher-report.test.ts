import { describe, expect, it } from 'vitest';
import { extractReport, networkViolations, safeRelativeName } from './launcher-report.ts';

const KEY = 'k'.repeat(48);
const report = { exitCode: 0, signal: null, ended: null, durationMs: 5, log: 'hi', files: { 'a.js': 'x' }, skipped: [], network: {} };

describe('the launcher report', () => {
  it('is read only from the one line carrying the key; the rest is log', () => {
    const stdout = `noise\n@@ouro-agent:${KEY}:${JSON.stringify(report)}\n`;
    expect(extractReport(stdout, KEY)).toEqual({ report, rest: 'noise' });
    expect(extractReport(stdout, 'other-key').report).toBeUndefined();
    // Two report lines: one is forged, neither is trusted.
    expect(extractReport(`${stdout}${stdout}`, KEY).report).toBeUndefined();
  });

  it('refuses a report with file names that leave the workspace or a wrong shape', () => {
    for (const files of [{ '../escape.js': 'x' }, { '/etc/passwd': 'x' }, { 'a/./b': 'x' }, { 'a\\..\\b': 'x' }, { ok: 3 }]) {
      expect(extractReport(`@@ouro-agent:${KEY}:${JSON.stringify({ ...report, files })}`, KEY).report).toBeUndefined();
    }
    expect(extractReport(`@@ouro-agent:${KEY}:${JSON.stringify({ ...report, ended: 'whenever' })}`, KEY).report).toBeUndefined();
    expect(extractReport(`@@ouro-agent:${KEY}:{not json`, KEY).report).toBeUndefined();
    expect(safeRelativeName('src/.gitignore')).toBe(true);
  });

  it('turns network-namespace counter changes into violations, and loopback traffic that was answered into none', () => {
    expect(networkViolations({})).toEqual([]);
    expect(networkViolations({ TcpActiveOpens: 4, TcpPassiveOpens: 4, IpOutRequests: 40, UdpOutDatagrams: 0 })).toEqual([]);
    const found = networkViolations({ IpOutNoRoutes: 2, Ip6OutNoRoutes: 1, UdpNoPorts: 4, TcpAttemptFails: 1 });
    expect(found).toHaveLength(3);
    expect(found[0]).toMatch(/^network: 3 attempt\(s\) to reach an address outside the sandbox/);
    expect(found[1]).toMatch(/4 datagram\(s\).*DNS/);
    expect(found[2]).toMatch(/1 refused TCP connection/);
  });
});
