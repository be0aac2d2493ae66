// An HTTP server that streams a huge Prometheus-shaped answer as fast as the client reads it, and counts what it sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HugeAnswerServer {
  readonly url: string;
  /** Bytes written to sockets so far (the client's read pace bounds it: writes wait for the socket to drain). */
  sentBytes(): number;
  /** Resolves when the answer has ended or the client hung up. */
  finished(): Promise<void>;
  stop(): Promise<void>;
}

/** One vector series as Prometheus writes it, about 100 bytes. */
const SERIES = '{"metric":{"__name__":"http_requests_total","pod":"checkout-7d9f8c-abcde"},"value":[1700000000,"1"]},';

/** Answers every request with a valid vector JSON answer of about `totalBytes` bytes, written in 64 KiB chunks. */
export async function startHugeAnswerServer(totalBytes: number): Promise<HugeAnswerServer> {
  let sent = 0;
  let done: Promise<void> = Promise.resolve();
  const server = createServer((_req, res) => {
    done = new Promise((resolve) => res.on('close', resolve));
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = SERIES.repeat(Math.ceil(65_536 / SERIES.length));
    let remaining = totalBytes;
    const head = '{"status":"success","data":{"resultType":"vector","result":[';
    res.write(head);
    sent += head.length;
    const pump = (): void => {
      while (remaining > 0 && !res.destroyed) {
        remaining -= chunk.length;
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end(`${SERIES.slice(0, -1)}]}}`);
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sentBytes: () => sent,
    finished: () => done,
    stop: () => closeServer(server),
  };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
