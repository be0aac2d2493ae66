// A scripted HTTP server for provider tests: records every request (headers, body) and answers as the test says, or never.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query string. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface StubAnswer {
  status: number;
  /** Sent as JSON unless it is a string. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** Answers a request; `'hang'` accepts it and never answers (until the server stops). */
export type StubHandler = (request: RecordedRequest) => StubAnswer | 'hang';

export interface StubHttpServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** How many requests the client gave up on (connection closed before the answer was sent). */
  abandoned(): number;
  /** Replaces how the server answers from now on. */
  answer(handler: StubHandler): void;
  stop(): Promise<void>;
}

export async function startStubHttpServer(handler: StubHandler = () => ({ status: 200, body: {} })): Promise<StubHttpServer> {
  const requests: RecordedRequest[] = [];
  let current = handler;
  let abandoned = 0;
  const server = createServer((req, res) => {
    res.on('close', () => {
      if (!res.writableFinished) abandoned += 1;
    });
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      const answer = current(recorded);
      if (answer === 'hang') return;
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? null);
      const contentType = typeof answer.body === 'string' ? 'text/plain' : 'application/json';
      res.writeHead(answer.status, { 'content-type': contentType, ...answer.headers }).end(text);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    abandoned: () => abandoned,
    answer: (next) => {
      current = next;
    },
    stop: () => closeServer(server),
  };
}

/** A Prometheus-shaped success answer for an instant vector query with the given sample values. */
export function prometheusVectorAnswer(values: readonly string[]): StubAnswer {
  const result = values.map((value, index) => ({ metric: { series: String(index) }, value: [Date.now() / 1000, value] }));
  return { status: 200, body: { status: 'success', data: { resultType: 'vector', result } } };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((done) => server.close(() => done()));
}
