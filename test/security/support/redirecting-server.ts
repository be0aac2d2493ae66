// An HTTP server that answers every request with a redirect to the same path on another origin, as a compromised or
// misconfigured git host might, to see whether credentials follow the redirect.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RedirectingServer {
  /** Base URL of the redirecting server, e.g. `http://127.0.0.1:4711`. */
  origin: string;
  /** Every request it received: method and path with query. */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startRedirectingServer(target: string, status = 302): Promise<RedirectingServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url ?? '/'}`);
    req.resume();
    res.writeHead(status, { Location: `${target}${req.url ?? '/'}` });
    res.end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((done) => server.close(() => done()));
    },
  };
}
