// A loopback HTTP receiver for sink tests: records each request with its raw body, answers as told.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The exact bytes received, as text: what a signature is computed over. */
  raw: string;
}

export interface HttpReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** The next request is answered with this status and body, or never answered. */
  answerNext(answer: { status: number; body: string } | 'hang'): void;
  close(): Promise<void>;
}

/** `ok` is the answer while nothing else is queued (Slack's 200 "ok", a webhook's 204). */
export async function startHttpReceiver(ok: { status: number; body: string }): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const queued: Array<{ status: number; body: string } | 'hang'> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      const answer = queued.shift() ?? ok;
      if (answer === 'hang') return;
      res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    answerNext(answer): void {
      queued.push(answer);
    },
    async close(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port that was free a moment ago: nobody listens there. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
