// A small prom-client instrumented HTTP app with a switchable error rate, kept busy by its own request generator.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Registry } from 'prom-client';

export interface InstrumentedApp {
  /** Base URL; Prometheus scrapes `${url}/metrics`. */
  readonly url: string;
  readonly metricsUrl: string;
  /** Fraction of requests answered 500 from now on, 0…1; exact over every run of requests (no randomness). */
  setErrorRate(rate: number): void;
  stop(): Promise<void>;
}

export interface InstrumentedAppOptions {
  /** Pause between generated requests; defaults to 10ms (about 100 requests a second). */
  requestIntervalMs?: number;
}

/** Starts the app; its counter is `http_requests_total{code}`, with code "200" and "500" present from the start. */
export async function startInstrumentedApp(options: InstrumentedAppOptions = {}): Promise<InstrumentedApp> {
  const registry = new Registry();
  const requests = new Counter({ name: 'http_requests_total', help: 'Requests served, by status code.', labelNames: ['code'], registers: [registry] });
  // Both series exist at 0 so an error ratio reads 0 rather than an empty vector before the first error.
  requests.labels({ code: '200' }).inc(0);
  requests.labels({ code: '500' }).inc(0);
  let errorRate = 0;
  let errorDebt = 0;

  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
      return;
    }
    // Deterministic error spreading: every request adds the rate to a debt, and a whole unit of debt is one error.
    errorDebt += errorRate;
    const failing = errorDebt >= 1 - 1e-9;
    if (failing) errorDebt -= 1;
    const code = failing ? 500 : 200;
    requests.labels({ code: String(code) }).inc();
    res.writeHead(code, { 'content-type': 'text/plain' }).end(failing ? 'failed\n' : 'ok\n');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const generator = startGenerator(`${url}/work`, options.requestIntervalMs ?? 10);

  return {
    url,
    metricsUrl: `${url}/metrics`,
    setErrorRate: (rate) => {
      if (!(rate >= 0 && rate <= 1)) throw new Error(`error rate must be within 0…1, got ${rate}`);
      errorRate = rate;
      errorDebt = 0;
    },
    stop: async () => {
      await generator.stop();
      await closeServer(server);
    },
  };
}

/** Sends one request at a time in a loop, so the app's counters move like a served service's would. */
function startGenerator(target: string, intervalMs: number): { stop(): Promise<void> } {
  let running = true;
  const loop = async (): Promise<void> => {
    while (running) {
      try {
        const response = await fetch(target);
        await response.text();
      } catch {
        // The app is stopping; the loop ends on the next check.
      }
      await new Promise((done) => setTimeout(done, intervalMs));
    }
  };
  const finished = loop();
  return {
    stop: async () => {
      running = false;
      await finished;
    },
  };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((done) => server.close(() => done()));
}
