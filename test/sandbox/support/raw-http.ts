// Plain HTTPS to the API server a kubeconfig names, with its credentials and TLS settings (CA, client certificate,
// insecure-skip-tls-verify): for status codes, headers and bodies exactly as the server sent them.
import { Agent, request } from 'node:https';
import type * as k8s from '@kubernetes/client-node';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

/** The server, its TLS agent and the bearer token of a kubeconfig's current context. */
export interface RawConnection {
  server: string;
  agent: Agent;
  token: string | undefined;
}

function decoded(base64: string | undefined): string | undefined {
  return base64 ? Buffer.from(base64, 'base64').toString('utf8') : undefined;
}

/** Connects as the kubeconfig's current context would; skipTLSVerify turns certificate checks off, as kubectl does. */
export function rawConnection(kc: k8s.KubeConfig): RawConnection {
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const agent = new Agent({
    keepAlive: true,
    maxSockets: 16,
    ca: decoded(cluster.caData),
    cert: decoded(user?.certData),
    key: decoded(user?.keyData),
    rejectUnauthorized: !cluster.skipTLSVerify,
  });
  return { server: cluster.server, agent, token: user?.token };
}

/** One request; the body is sent as JSON unless it is already a string. */
export function rawRequest(connection: RawConnection, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, connection.server),
      {
        method,
        agent: connection.agent,
        headers: {
          Accept: 'application/json',
          ...(connection.token ? { Authorization: `Bearer ${connection.token}` } : {}),
          // Node sends a DELETE body without framing unless told its length.
          ...(payload !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
