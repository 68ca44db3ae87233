// Redis connections for BullMQ and for the fleet's own keys (bundles, worker heartbeats).
import { createRequire } from 'node:module';
import type { ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { OuroError } from '../core/errors.ts';

/** Key prefix of every fleet key, BullMQ's included. */
export const PREFIX = 'ouro';
export const EVALUATE_QUEUE = 'evaluate';
export const PROPOSE_QUEUE = 'propose';
export const SAMPLE_QUEUE = 'sample';
export const VERIFY_QUEUE = 'verify';
export const WORKER_KEY = `${PREFIX}:fleet:worker:`;
export const BUNDLE_KEY = `${PREFIX}:bundle:`;

const PROBE_TIMEOUT_MS = 3000;

/** The Ouroboros version this process runs; `OURO_VERSION_OVERRIDE` pretends another, for tests. */
export function ouroVersion(): string {
  const override = process.env.OURO_VERSION_OVERRIDE;
  if (override) return override;
  const require = createRequire(import.meta.url);
  return (require('../../package.json') as { version: string }).version;
}

/**
 * Host, port, credentials and database of a `redis://` URL, as BullMQ's connection options.
 * `rediss://` is the same over TLS, checked against the system's certificate authorities.
 */
export function parseRedisUrl(url: string): {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  tls?: { servername: string };
} {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`not a URL: ${JSON.stringify(url)} (expected redis://host:port)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new Error(`${JSON.stringify(url)} is not a redis:// or rediss:// URL (unix sockets are not supported yet)`);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new Error(`${JSON.stringify(url)}: the database number must be a non-negative integer`);
  const host = parsed.hostname || '127.0.0.1';
  return {
    host,
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    db,
    ...(parsed.protocol === 'rediss:' ? { tls: { servername: host } } : {}),
  };
}

/**
 * BullMQ options for a Redis URL. BullMQ opens and owns its ioredis connections; ioredis
 * reconnects forever with backoff, and `maxRetriesPerRequest: null` keeps a worker's blocking
 * commands waiting through a Redis restart instead of failing, so a restart costs a pause, not the run.
 */
export function bullConnection(url: string): ConnectionOptions {
  return { ...parseRedisUrl(url), maxRetriesPerRequest: null, retryStrategy: (times: number) => Math.min(200 * times, 5000) };
}

/** A plain command connection for the fleet's own keys (bundles, heartbeats); ioredis reconnects after a drop. */
export class FleetRedis {
  private constructor(
    private readonly client: Redis,
    readonly url: string,
  ) {}

  /** Connects, or throws OuroError `fleet-unreachable` within a few seconds. */
  static async open(url: string, field = 'fleet'): Promise<FleetRedis> {
    let options: ReturnType<typeof parseRedisUrl>;
    try {
      options = parseRedisUrl(url);
    } catch (error) {
      throw new OuroError('fleet-unreachable', `--fleet: ${(error as Error).message}`, { field });
    }
    const client = new Redis({
      ...options,
      lazyConnect: true,
      connectTimeout: PROBE_TIMEOUT_MS,
      maxRetriesPerRequest: 2,
      retryStrategy: (times) => Math.min(200 * times, 2000),
    });
    // Errors also come back from the commands that hit them; without a listener ioredis logs each
    // one. The socket's own error (a refused TLS certificate) says more than "Connection is closed".
    let socketError: Error | undefined;
    client.on('error', (error: Error) => {
      socketError ??= error;
    });
    try {
      await withTimeout(
        client.connect().then(() => client.ping()),
        PROBE_TIMEOUT_MS + 500,
      );
    } catch (error) {
      client.disconnect();
      const reason = [(error as Error).message, socketError?.message]
        .filter((text, index, all) => text && all.indexOf(text) === index)
        .map((text) => text?.replace(/\.$/, ''))
        .join(': ');
      throw new OuroError(
        'fleet-unreachable',
        `--fleet: cannot reach Redis at ${url}: ${reason}. Is redis-server running there, and reachable from this machine?`,
        { field, isRetryable: true, cause: error },
      );
    }
    return new FleetRedis(client, url);
  }

  /** Sends one command; replies come back as ioredis gives raw replies (strings, numbers, arrays). */
  command(name: string, args: ReadonlyArray<string | number>): Promise<unknown> {
    return this.client.call(name, ...args);
  }

  close(): void {
    this.client.disconnect();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
