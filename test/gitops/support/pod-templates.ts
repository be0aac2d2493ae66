// The pod templates the reconciler sends with a revert request, read from a Rollout manifest as the API server stores it.
import yaml from 'js-yaml';
import type { PodTemplateImages } from '../../../src/gitops/git-reverter.js';
import type { PodTemplateSpec } from '../../../src/resources/meta.js';
import { podTemplateHash, templateImages } from '../../../src/resources/pod-template-hash.js';

/** spec.template of the Rollout named `name` in a manifest file, numbers typed (js-yaml's default schema). */
export function rolloutTemplate(content: string, name = 'checkout'): PodTemplateSpec {
  const docs = yaml.loadAll(content) as Array<{ kind?: string; metadata?: { name?: string }; spec?: { template?: PodTemplateSpec } }>;
  const template = docs.find((doc) => doc?.kind === 'Rollout' && doc.metadata?.name === name)?.spec?.template;
  if (!template) throw new Error(`no Rollout ${name} with a template in the manifest`);
  return template;
}

/** What the request carries about one template: its hash and images. */
export function templateRef(template: PodTemplateSpec): PodTemplateImages {
  return { podTemplateHash: podTemplateHash(template), images: templateImages(template) };
}
