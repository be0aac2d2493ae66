// Vitest global setup of the contract suite's real API server leg: one fresh real kube-apiserver for the whole suite
// (each contract test makes its own namespace), handed to the test processes as VANE_TEST_KUBECONFIG. It runs no
// kube-controller-manager, which the suite is told, so tests of garbage collection and namespace deletion skip.
import { realApiServerScript, startRealApiServer } from './real-api-server.js';

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  const script = realApiServerScript();
  if (!script) return undefined;
  const server = await startRealApiServer(script);
  process.env['VANE_TEST_KUBECONFIG'] = server.kubeconfigPath;
  process.env['VANE_TEST_CONTROLLERS'] = 'absent';
  return () => server.stop();
}
