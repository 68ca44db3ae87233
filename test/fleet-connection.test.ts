import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isOuroError } from '../src/core/errors.ts';
import { FleetRedis, parseRedisUrl } from '../src/fleet/connection.ts';
import { freePort } from '../src/fleet/local-fleet.ts';
import { probes, requireService } from './support/services.ts';

describe('fleet connection', () => {
  it('parses Redis URLs into connection options and refuses other schemes', () => {
    expect(parseRedisUrl('redis://:secret@10.0.0.5:6380/2')).toEqual({ host: '10.0.0.5', port: 6380, password: 'secret', db: 2 });
    expect(parseRedisUrl('redis://127.0.0.1')).toEqual({ host: '127.0.0.1', port: 6379, db: 0 });
    expect(parseRedisUrl('rediss://cache.example:6380')).toEqual({
      host: 'cache.example',
      port: 6380,
      db: 0,
      tls: { servername: 'cache.example' },
    });
    expect(() => parseRedisUrl('http://x')).toThrow(/not a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => parseRedisUrl('redis://h/x')).toThrow(/database number/);
  });

  it('fails within a few seconds, naming the URL, when nothing listens', async () => {
    const started = Date.now();
    const error = await FleetRedis.open('redis://127.0.0.1:1').catch((caught: unknown) => caught);
    expect(isOuroError(error) && error.code).toBe('fleet-unreachable');
    expect(String(error)).toContain('cannot reach Redis at redis://127.0.0.1:1');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

// A server with a certificate of its own: redis-server serves TLS, openssl makes the certificate.
const tls = await requireService('redis-server or openssl', () => probes.redis() ?? probes.openssl());

describe.skipIf(tls.missing)(tls.title('fleet over TLS'), () => {
  it('reaches a TLS-only Redis through a rediss:// URL, and refuses a certificate it cannot verify', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ouro-tls-'));
    const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    const made = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { encoding: 'utf8' },
    );
    expect(made.status, made.stderr).toBe(0);
    const port = await freePort();
    const server = spawn(
      'redis-server',
      [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--tls-cert-file',
        cert,
        '--tls-key-file',
        key,
        '--tls-auth-clients',
        'no',
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      { stdio: 'ignore' },
    );
    try {
      const url = `rediss://localhost:${port}`;
      // The fleet's commands and BullMQ's queues both go over TLS; the test's own CA is trusted through Node's NODE_EXTRA_CA_CERTS.
      let status: ReturnType<typeof spawnSync> | undefined;
      for (let tries = 0; tries < 50; tries++) {
        status = spawnSync(process.execPath, ['bin/ouro.js', 'fleet', 'status', '--fleet', url, '--json'], {
          encoding: 'utf8',
          env: { ...process.env, NODE_EXTRA_CA_CERTS: cert },
        });
        if (status.status === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status?.status, String(status?.stderr)).toBe(0);
      expect(JSON.parse(String(status?.stdout))).toMatchObject({
        url,
        workers: [],
        queues: [{ name: 'evaluate' }, { name: 'propose' }, { name: 'sample' }, { name: 'verify' }],
      });
      const untrusted = spawnSync(process.execPath, ['bin/ouro.js', 'fleet', 'status', '--fleet', url], { encoding: 'utf8' });
      expect(untrusted.status).toBe(1);
      expect(untrusted.stderr).toMatch(/cannot reach Redis at rediss:\/\/localhost:\d+: .*certificate/i);
    } finally {
      server.kill('SIGKILL');
    }
  });
});
