// The bench cluster on a real kube-apiserver (VANE_BENCH_APISERVER, else VANE_TEST_APISERVER, names its start script):
// a fresh server with Vane's CRDs and the ReplicaSet controller stand-in running in the bench process, behind the same
// BenchCluster the sandbox benchmarks use. Only the API server differs; the controller is the same process either way.
import { KubeConfig } from '@kubernetes/client-node';
import { vaneCrdFiles } from '../../src/cli/crd-paths.js';
import { KubeClient } from '../../src/kube/kube-client.js';
import { KubeTransport } from '../../src/kube/kube-transport.js';
import { installCrds } from '../support/controller-cluster.js';
import { realApiServerScript, startRealApiServer } from '../support/real-api-server.js';
import { ReplicaSetStandIn } from '../support/replica-set-stand-in.js';
import { benchClusterOn, type BenchCluster } from './bench-cluster.js';

/** The start script of the real kube-apiserver to benchmark against, or undefined to benchmark the sandbox alone. */
export function benchApiServerScript(): string | undefined {
  return process.env['VANE_BENCH_APISERVER'] || realApiServerScript();
}

/** Starts a fresh real API server; stopping the cluster stops the stand-in and the server. */
export async function openRealBenchCluster(script: string, readyDelayMs: number): Promise<BenchCluster> {
  const server = await startRealApiServer(script);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(server.kubeconfigPath);
  const client = new KubeClient(await KubeTransport.fromKubeConfig(kubeConfig));
  const standIn = new ReplicaSetStandIn(client, readyDelayMs);
  const stop = async (): Promise<void> => {
    await standIn.stop();
    client.transport.close();
    await server.stop();
  };
  let gitVersion: string;
  try {
    await installCrds(client, vaneCrdFiles());
    await standIn.start();
    ({ gitVersion } = await client.transport.request<{ gitVersion: string }>('GET', '/version'));
  } catch (err) {
    await stop();
    throw err;
  }
  // From here on the bench cluster stops the server, also when it cannot be opened.
  return benchClusterOn({ server: `real kube-apiserver ${gitVersion}`, kubeconfigPath: server.kubeconfigPath, kubeConfig, stop });
}
