// The metrics endpoint the demo serves itself on loopback: the error rate of the demo's canary as JSON, read by the
// analysis gate through the web metric provider (no Prometheus needed).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const ERROR_RATE_PATH = '/web/error-rate';

export class DemoMetricsServer {
  private constructor(
    private readonly server: Server,
    /** The endpoint's URL, for the AnalysisTemplate's `provider.web.url`. */
    readonly url: string,
  ) {}

  /** Listens on 127.0.0.1 at a free port; answers `{"errorRate": <errorRate>}` at ERROR_RATE_PATH, 404 elsewhere. */
  static async start(errorRate: number): Promise<DemoMetricsServer> {
    const server = createServer((req, res) => {
      const found = req.method === 'GET' && new URL(req.url ?? '/', 'http://localhost').pathname === ERROR_RATE_PATH;
      res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(found ? { errorRate, requests: 500 } : { error: `not found; the error rate is at ${ERROR_RATE_PATH}` }));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    return new DemoMetricsServer(server, `http://127.0.0.1:${port}${ERROR_RATE_PATH}`);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
