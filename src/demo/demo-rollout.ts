// The demo's Rollout demo/web and what the demo does to it in the roles of the people and tools around Vane: apply
// manifests (as kubectl or a GitOps sync), change the image (as a pipeline), promote (as `vane promote`), and watch.
import { randomUUID } from 'node:crypto';
import yaml from 'js-yaml';
import { isConflict } from '../kube/kube-api-error.js';
import type { KubeClient } from '../kube/kube-client.js';
import type { KubeObject } from '../kube/kube-object.js';
import { Kinds, type ResourceKind } from '../kube/resource-kind.js';
import { podTemplateHash } from '../resources/pod-template-hash.js';
import type { Rollout } from '../resources/rollout.js';

export const NAMESPACE = 'demo';
export const NAME = 'web';

/** A conflict means the controller wrote status in between: read again and re-apply, as Argo CD and Flux do. */
const APPLY_ATTEMPTS = 10;

/** Creates each object of a YAML stream, or replaces the live one with it (what a GitOps sync does). */
export async function applyDocuments(client: KubeClient, text: string): Promise<void> {
  for (const doc of yaml.loadAll(text) as KubeObject[]) {
    if (doc) await applyObject(client, doc);
  }
}

async function applyObject(client: KubeClient, desired: KubeObject): Promise<void> {
  const kind = kindOf(desired);
  for (let attempt = 1; ; attempt += 1) {
    const live = await client.get(kind, desired.metadata.namespace, desired.metadata.name ?? '');
    if (!live) {
      await client.create(kind, desired);
      return;
    }
    try {
      await client.replace(kind, { ...desired, metadata: { ...desired.metadata, resourceVersion: live.metadata.resourceVersion } });
      return;
    } catch (err) {
      if (attempt >= APPLY_ATTEMPTS || !isConflict(err)) throw err;
    }
  }
}

function kindOf(obj: KubeObject): ResourceKind {
  const kind = Object.values(Kinds).find((k) => k.kind === obj.kind && (k.group ? `${k.group}/${k.version}` : k.version) === obj.apiVersion);
  if (!kind) throw new Error(`the demo cannot apply ${obj.apiVersion} ${obj.kind}`);
  return kind;
}

export function templateWithImage(rollout: Rollout, image: string): NonNullable<Rollout['spec']['template']> {
  const template = structuredClone(rollout.spec.template);
  if (!template?.spec.containers[0]) throw new Error('demo Rollout has no container');
  template.spec.containers[0].image = image;
  return template;
}

/** Changes the image as a pipeline would; returns the new pod-template hash. */
export async function setImage(client: KubeClient, image: string): Promise<string> {
  const current = await client.get<Rollout & KubeObject>(Kinds.Rollout, NAMESPACE, NAME);
  if (!current) throw new Error(`Rollout ${NAMESPACE}/${NAME} disappeared`);
  const template = templateWithImage(current, image);
  const written = await client.patch<Rollout & KubeObject>(Kinds.Rollout, NAMESPACE, NAME, { spec: { template } }, 'merge');
  return podTemplateHash(written.spec.template ?? template);
}

/** Writes a promote command to status, exactly as the API and the CLI do. */
export async function promote(client: KubeClient, rollout: Rollout): Promise<void> {
  const command = { id: randomUUID(), action: 'promote', actor: 'demo', time: new Date().toISOString() };
  await client.patchStatus(Kinds.Rollout, NAMESPACE, NAME, { metadata: { resourceVersion: rollout.metadata.resourceVersion }, status: { command } }, 'merge').catch(() => undefined);
}

/** Polls the controller's cache (printing the timeline as it goes) until `done` holds. */
export async function waitFor(observe: () => Rollout | undefined, done: (ro: Rollout) => boolean, what: string, timeoutMs = 60_000): Promise<Rollout> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rollout = observe();
    if (rollout && done(rollout)) return rollout;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
