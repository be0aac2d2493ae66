// What the contract suite runs against, known before any test is collected: the sandbox or a cluster
// (VANE_TEST_KUBECONFIG), the server's Kubernetes minor version (from /version), and whether the cluster's
// controllers run there.
//
// Controllers: the garbage collector and the namespace controller live in kube-controller-manager, which a bare
// kube-apiserver (such as a test server started on its own) does not run. The suite tells by the Lease kube-controller-manager renews
// in kube-system while it leads (leader election is on by default); a cluster that hides its control plane can
// say so with VANE_TEST_CONTROLLERS=present (or =absent).
import * as k8s from '@kubernetes/client-node';
import { describe, it } from 'vitest';
import { SANDBOX_VERSION } from '../../../src/sandbox/api-server.js';
import { rawConnection, rawRequest, type RawConnection } from './raw-http.js';

export interface TestTarget {
  kind: 'sandbox' | 'cluster';
  /** The minor version /version reports (`27+` counts as 27). */
  minor: number;
  gitVersion: string;
  /** Whether kube-controller-manager's controllers (garbage collection, namespace deletion) run. */
  controllers: boolean;
}

/** A Lease renewed this recently has a live holder. */
const LEASE_FRESH_MS = 2 * 60_000;

let cached: Promise<TestTarget> | undefined;

/** The target of this test process (probed once). */
export function testTarget(): Promise<TestTarget> {
  cached ??= probe();
  return cached;
}

async function probe(): Promise<TestTarget> {
  const kubeconfig = process.env['VANE_TEST_KUBECONFIG'];
  if (!kubeconfig) return { kind: 'sandbox', minor: Number(SANDBOX_VERSION.minor), gitVersion: SANDBOX_VERSION.gitVersion, controllers: true };
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const connection = rawConnection(kc);
  try {
    const version = await rawRequest(connection, 'GET', '/version');
    const info = (version.json ?? {}) as { minor?: string; gitVersion?: string };
    if (version.status !== 200 || !info.minor) throw new Error(`GET /version answered ${version.status}: ${version.text.slice(0, 200)}`);
    return { kind: 'cluster', minor: Number.parseInt(info.minor, 10), gitVersion: info.gitVersion ?? `v1.${info.minor}`, controllers: await controllersRun(connection) };
  } finally {
    connection.agent.destroy();
  }
}

async function controllersRun(connection: RawConnection): Promise<boolean> {
  const declared = process.env['VANE_TEST_CONTROLLERS'];
  if (declared === 'present' || declared === 'absent') return declared === 'present';
  const res = await rawRequest(connection, 'GET', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager');
  const renewTime = (res.json as { spec?: { renewTime?: string } } | undefined)?.spec?.renewTime;
  return res.status === 200 && renewTime !== undefined && Date.now() - Date.parse(renewTime) < LEASE_FRESH_MS;
}

/** Why a test cannot run on the target, or undefined when it can. */
export type Requirement = (target: TestTarget) => string | undefined;

/** Tests of the sandbox's own extras (fault injection, request statistics, the workload simulator...). */
export function sandboxOnly(what: string): Requirement {
  return (target) => (target.kind === 'sandbox' ? undefined : `sandbox only: ${what}`);
}

/** Behaviour a newer Kubernetes has than the server runs. */
export function kubernetesAtLeast(minor: number, what: string): Requirement {
  return (target) => (target.minor >= minor ? undefined : `needs Kubernetes 1.${minor} or newer (${what}); the server is ${target.gitVersion}`);
}

/** Behaviour that comes from kube-controller-manager rather than the API server. */
export function controllersRunning(which: string): Requirement {
  return (target) => (target.controllers ? undefined : `needs the ${which} of kube-controller-manager, which does not run on this cluster`);
}

type TestBody = () => Promise<void> | void;

function unmet(target: TestTarget, requirements: readonly Requirement[]): string | undefined {
  for (const requirement of requirements) {
    const reason = requirement(target);
    if (reason !== undefined) return reason;
  }
  return undefined;
}

/** A skipped test or group keeps its name, with the reason beside it (and printed), so a run says what it left out. */
function skippedName(name: string, reason: string): string {
  console.info(`skipped: ${name}: ${reason}`);
  return `${name} [skipped: ${reason}]`;
}

/** vitest's `it` where the target meets every requirement, `it.skip` with the reason in the name where it does not. */
export function itWhere(target: TestTarget, ...requirements: Requirement[]): (name: string, body: TestBody, timeout?: number) => void {
  const reason = unmet(target, requirements);
  if (reason === undefined) return (name, body, timeout) => it(name, body, timeout);
  return (name, body, timeout) => it.skip(skippedName(name, reason), body, timeout);
}

/** vitest's `describe` where the target meets every requirement, `describe.skip` with the reason where it does not. */
export function describeWhere(target: TestTarget, ...requirements: Requirement[]): (name: string, body: () => void) => void {
  const reason = unmet(target, requirements);
  if (reason === undefined) return (name, body) => describe(name, body);
  return (name, body) => describe.skip(skippedName(name, reason), body);
}
