// `vane set image`: parses CONTAINER=IMAGE arguments and turns them into a JSON patch of a Rollout's pod template,
// as `kubectl set image` does for a Deployment (`*` names every container, init containers included).
import { VaneError } from '../errors.js';
import type { Rollout } from '../resources/rollout.js';
import type { ImageChanges, ImageUpdate } from './rollout-backend.js';

export type JsonPatchOperation = { op: 'test' | 'add'; path: string; value: unknown };

interface TemplateContainer {
  name: string;
  image?: string;
}

const LISTS = ['initContainers', 'containers'] as const;

/** `web=ghcr.io/acme/web:1.2.0` → `{ container: 'web', image: 'ghcr.io/acme/web:1.2.0' }`; BadRequest otherwise. */
export function parseImageChanges(args: readonly string[]): ImageChanges {
  if (args.length === 0) throw new VaneError('BadRequest', 'name at least one CONTAINER=IMAGE (e.g. web=ghcr.io/acme/web:1.2.0; * for every container)');
  const changes = args.map((arg) => {
    const at = arg.indexOf('=');
    const container = at < 0 ? '' : arg.slice(0, at);
    const image = at < 0 ? '' : arg.slice(at + 1);
    if (container === '' || image === '' || /\s/.test(image)) throw new VaneError('BadRequest', `"${arg}" is not CONTAINER=IMAGE (e.g. web=ghcr.io/acme/web:1.2.0)`);
    return { container, image };
  });
  const names = changes.map((c) => c.container);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) throw new VaneError('BadRequest', `container ${repeated} is named twice`);
  return changes;
}

/**
 * The patch that gives the named containers their new images (empty when they already run them). Each replace is
 * guarded by a test of the container's name at that index (`add` sets the image whether or not one was there). A Rollout whose pod template comes from a Deployment
 * (workloadRef) has none to patch: the error says where to set the image instead.
 */
export function imagePatch(rollout: Rollout, changes: ImageChanges): { patch: JsonPatchOperation[] } & ImageUpdate {
  const target = `rollout ${rollout.metadata.namespace ?? 'default'}/${rollout.metadata.name ?? ''}`;
  const spec = rollout.spec.template?.spec as Partial<Record<(typeof LISTS)[number], TemplateContainer[]>> | undefined;
  if (!spec) {
    const ref = rollout.spec.workloadRef;
    const where = ref ? `${ref.kind} ${ref.name} (spec.workloadRef)` : 'elsewhere (it has no spec.template)';
    const hint = ref ? `; set the image there, e.g. kubectl set image ${ref.kind.toLowerCase()}/${ref.name} CONTAINER=IMAGE -n ${rollout.metadata.namespace ?? 'default'}` : '';
    throw new VaneError('BadRequest', `${target} takes its pod template from ${where}, so vane set image cannot change it${hint}`);
  }
  const patch: JsonPatchOperation[] = [];
  const changed: ImageUpdate['changed'] = [];
  for (const { container, image } of changes) {
    let found = false;
    for (const list of LISTS) {
      for (const [i, c] of (spec[list] ?? []).entries()) {
        if (container !== '*' && c.name !== container) continue;
        found = true;
        if (c.image === image) continue;
        const path = `/spec/template/spec/${list}/${i}`;
        patch.push({ op: 'test', path: `${path}/name`, value: c.name }, { op: 'add', path: `${path}/image`, value: image });
        changed.push({ container: c.name, from: c.image ?? '', to: image });
      }
    }
    if (!found) {
      const names = LISTS.flatMap((list) => (spec[list] ?? []).map((c) => c.name));
      throw new VaneError('BadRequest', `${target} has no container ${container} (its containers: ${names.join(', ')})`);
    }
  }
  return { patch, changed };
}
