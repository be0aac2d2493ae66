// A smart-HTTP git server for tests: `git http-backend` behind a small Node server with basic auth, on 127.0.0.1.
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GitHttpServerOptions {
  /** Directory whose bare repositories are served at `/<name>.git`. */
  projectRoot: string;
  /** Required credentials; undefined serves anonymously. */
  auth?: { username: string; password: string };
  /** Runs before a request is served; lets a test push from elsewhere between a client's fetch and its push. */
  beforeRequest?: (request: { method: string; path: string; query: string }) => Promise<void>;
}

export interface GitHttpServer {
  url(repository: string): string;
  /** Every request: method, path+query and the user it authenticated as ('-' for none, '!' for a refused attempt). */
  readonly requests: string[];
  /** Raw Authorization headers seen, to prove credentials were sent (and which). */
  readonly authorizations: string[];
  close(): Promise<void>;
}

export async function startGitHttpServer(options: GitHttpServerOptions): Promise<GitHttpServer> {
  const requests: string[] = [];
  const authorizations: string[] = [];
  const server = createServer((req, res) => {
    handle(req, res, options, requests, authorizations).catch((err: unknown) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: (repository) => `http://127.0.0.1:${port}/${repository}`,
    requests,
    authorizations,
    close: () => closeServer(server),
  };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((done) => server.close(() => done()));
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: GitHttpServerOptions,
  requests: string[],
  authorizations: string[],
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const header = req.headers.authorization;
  if (header) authorizations.push(header);
  const user = authenticate(header, options.auth);
  requests.push(`${req.method} ${url.pathname}${url.search} ${user ?? '!'}`);
  if (user === undefined) {
    req.resume();
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="vane-test"' });
    res.end();
    return;
  }
  await options.beforeRequest?.({ method: req.method ?? 'GET', path: url.pathname, query: url.search.slice(1) });
  await runBackend(req, res, options.projectRoot, url, user);
}

/** The authenticated user, '-' when the server is anonymous, undefined when credentials are missing or wrong. */
function authenticate(header: string | undefined, auth: GitHttpServerOptions['auth']): string | undefined {
  if (!auth) return '-';
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
  return decoded === `${auth.username}:${auth.password}` ? auth.username : undefined;
}

function runBackend(req: IncomingMessage, res: ServerResponse, projectRoot: string, url: URL, user: string): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GIT_PROJECT_ROOT: projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_ADDR: '127.0.0.1',
    // http-backend only enables pushes for an authenticated user.
    REMOTE_USER: user === '-' ? 'anonymous' : user,
    ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
    ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
    ...(typeof req.headers['git-protocol'] === 'string' ? { GIT_PROTOCOL: req.headers['git-protocol'] } : {}),
  };
  const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
  req.pipe(child.stdin);
  return new Promise((done, fail) => {
    let buffered = Buffer.alloc(0);
    let headersSent = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersSent) {
        res.write(chunk);
        return;
      }
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      writeCgiHeaders(res, buffered.subarray(0, end).toString('latin1'));
      headersSent = true;
      res.write(buffered.subarray(end + 4));
    });
    child.on('error', fail);
    child.on('close', () => {
      res.end();
      done();
    });
  });
}

function writeCgiHeaders(res: ServerResponse, block: string): void {
  let status = 200;
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
    else res.setHeader(name, value);
  }
  res.statusCode = status;
}
