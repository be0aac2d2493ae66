// A /metrics endpoint standing in for the mesh or ingress metrics the example templates query: for each Service it
// is told about, `http_requests_total{namespace, service, code}` and `http_request_duration_seconds_bucket{...}`,
// advancing by fixed amounts on every scrape so a rate over any window gives the same error ratio.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServiceRef {
  namespace: string;
  service: string;
}

export interface TrafficExporter {
  /** Where Prometheus scrapes, e.g. `http://127.0.0.1:41234/metrics`. */
  readonly metricsUrl: string;
  stop(): Promise<void>;
}

export interface TrafficOptions {
  /** Requests per scrape, per Service. */
  requestsPerScrape: number;
  /** Of those, how many answered 5xx. */
  errorsPerScrape: number;
}

/**
 * Every scrape adds `requestsPerScrape` requests to each Service, `errorsPerScrape` of them 500s, all answered within
 * 0.1 s. Prometheus scrapes every series at the same instant, so the rate of the 5xx series over the rate of all is
 * exactly errorsPerScrape / requestsPerScrape, whatever the window.
 */
export async function startTrafficExporter(services: readonly ServiceRef[], options: TrafficOptions): Promise<TrafficExporter> {
  let scrapes = 0;
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    scrapes += 1;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(exposition(services, options, scrapes));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { metricsUrl: `http://127.0.0.1:${port}/metrics`, stop: () => close(server) };
}

function exposition(services: readonly ServiceRef[], options: TrafficOptions, scrapes: number): string {
  const ok = (options.requestsPerScrape - options.errorsPerScrape) * scrapes;
  const failed = options.errorsPerScrape * scrapes;
  const all = options.requestsPerScrape * scrapes;
  const lines = [
    '# TYPE http_requests_total counter',
    ...services.flatMap(({ namespace, service }) => [
      `http_requests_total{namespace="${namespace}",service="${service}",code="200"} ${ok}`,
      `http_requests_total{namespace="${namespace}",service="${service}",code="500"} ${failed}`,
    ]),
    '# TYPE http_request_duration_seconds histogram',
    ...services.flatMap(({ namespace, service }) => [
      ...['0.1', '0.5', '+Inf'].map((le) => `http_request_duration_seconds_bucket{namespace="${namespace}",service="${service}",le="${le}"} ${all}`),
      `http_request_duration_seconds_sum{namespace="${namespace}",service="${service}"} ${all * 0.05}`,
      `http_request_duration_seconds_count{namespace="${namespace}",service="${service}"} ${all}`,
    ]),
  ];
  return `${lines.join('\n')}\n`;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((done) => server.close(() => done()));
}
