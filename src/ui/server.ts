import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { getMimeType } from 'hono/utils/mime';
import { OuroError } from '../core/errors.ts';
import { redactUrl } from '../store/postgres.ts';
import { openDashboardQueries } from '../store/open.ts';
import { apiRoutes } from './api/routes.ts';

export interface UiServerOptions {
  /** The run database, a SQLite file or a `postgres://` URL, opened read-only. */
  db: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** 127.0.0.1 by default; any other address is reachable by others and the dashboard has no login. */
  host?: string;
  /** The built front end; `src/ui/web/dist` by default. */
  webRoot?: string;
  /** Store poll interval for live events. */
  pollMs?: number;
}

export interface UiServer {
  url: string;
  close(): Promise<void>;
}

const WEB_ROOT = fileURLToPath(new URL('./web/dist/', import.meta.url));

/**
 * Serves the dashboard: the JSON API under `/api` and the built front end at `/`. The database is
 * checked before the port is opened, so a missing or foreign database (or an unreachable server)
 * fails at startup, naming it.
 *
 * @example
 * const server = await startUiServer({ db: '.ouro/ouro.db', port: 4173 });
 * console.log(`dashboard at ${server.url}`);
 * await server.close();
 */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const queries = openDashboardQueries(options.db);
  const label = redactUrl(options.db);
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) {
    process.stderr.write(
      `ouro ui: warning: listening on ${host}, not on loopback. The dashboard has no authentication: anyone who can reach this address ` +
        `can read every run in ${label}, with its genomes and prompts.\n`,
    );
  }
  const closing = new AbortController();
  const app = new Hono();
  app.route('/api', apiRoutes(queries, { dbLabel: label, closing: closing.signal, ...(options.pollMs ? { pollMs: options.pollMs } : {}) }));
  app.get('*', staticFiles(options.webRoot ?? WEB_ROOT));

  let server: Server;
  try {
    server = await listen(app, options.port ?? 0, host);
  } catch (error) {
    queries.close();
    const reason =
      (error as { code?: string }).code === 'EADDRINUSE'
        ? 'is in use; choose another with --port'
        : `cannot be opened: ${(error as Error).message}`;
    throw new OuroError('option-invalid', `port ${options.port ?? 0} on ${host} ${reason}`, { field: 'port', cause: error });
  }
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    async close() {
      closing.abort();
      const closed = new Promise<void>((done) => server.close(() => done()));
      // Keep-alive sockets hold close() open: drop each once it is idle (event streams end with
      // `closing` within a poll), and any still busy after a second.
      const sweep = setInterval(() => server.closeIdleConnections(), 20);
      const force = setTimeout(() => server.closeAllConnections(), 1000);
      server.closeIdleConnections();
      await closed;
      clearInterval(sweep);
      clearTimeout(force);
      queries.close();
    },
  };
}

function listen(app: Hono, port: number, hostname: string): Promise<Server> {
  return new Promise((done, fail) => {
    const server = serve({ fetch: app.fetch, port, hostname }, () => done(server as Server)) as Server;
    server.once('error', fail);
  });
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The built front end: files under the web root, `index.html` at `/`. Vite names assets by content
 * hash, so they are cached for good; index.html is always revalidated.
 */
function staticFiles(root: string) {
  const base = resolve(root);
  return async (c: Context) => {
    if (!existsSync(resolve(base, 'index.html'))) {
      return c.text(
        'The dashboard front end is not built yet: run `npm run build:ui`, then reload this page. The JSON API is up under /api.\n',
        503,
      );
    }
    let path: string;
    try {
      path = decodeURIComponent(c.req.path);
    } catch {
      return c.text('bad path\n', 400);
    }
    const file = path === '/' ? resolve(base, 'index.html') : resolve(base, `.${path}`);
    if (!file.startsWith(base + sep)) return c.text('not found\n', 404);
    const found = await stat(file).catch(() => undefined);
    if (!found?.isFile()) return c.text(`not found: ${path}\n`, 404);
    const immutable = path.startsWith('/assets/');
    return c.body(await readFile(file), 200, {
      'content-type': getMimeType(file) ?? (extname(file) === '.map' ? 'application/json' : 'application/octet-stream'),
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  };
}
