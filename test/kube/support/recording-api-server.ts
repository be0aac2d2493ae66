// A minimal plain-HTTP stand-in for kube-apiserver that records every request (method, URL, headers) and serves
// empty lists and watches that stay silent until the timeout the client asked for, as a v1.19 server without
// bookmarks does over quiet objects.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
}

export interface RecordingApiServer {
  requests: RecordedRequest[];
  kubeConfig(): KubeConfig;
  close(): Promise<void>;
}

export async function startRecordingApiServer(): Promise<RecordingApiServer> {
  const requests: RecordedRequest[] = [];
  const open = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push({ method: req.method ?? 'GET', url, headers: req.headers });
    res.setHeader('Content-Type', 'application/json');
    if (url.searchParams.get('watch') !== 'true') {
      res.end(JSON.stringify({ kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '7' }, items: [] }));
      return;
    }
    res.writeHead(200);
    res.flushHeaders();
    open.add(res);
    const timeoutSeconds = Number(url.searchParams.get('timeoutSeconds') ?? '1800');
    const timer = setTimeout(() => res.end(), timeoutSeconds * 1000);
    res.on('close', () => {
      clearTimeout(timer);
      open.delete(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    requests,
    kubeConfig: () => {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'recording', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
        users: [{ name: 'recording', token: 'recording-token' }],
        contexts: [{ name: 'recording', cluster: 'recording', user: 'recording' }],
        currentContext: 'recording',
      });
      return kc;
    },
    close: async () => {
      for (const res of open) res.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
