// Kubernetes resource quantities ("128Mi", "500m", "1e3"): the grammar of apimachinery's resource.Quantity.
import { childPath, type FieldChecker } from './field-checker.js';

/** sign? number (digits, digits.digits, digits., .digits), then a binary SI, decimal SI or decimal exponent suffix. */
const QUANTITY = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** Why `value` is not a quantity a container's requests or limits may hold; undefined when it is one. */
export function quantityProblem(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? undefined : `must be greater than or equal to 0, got ${value}`;
  if (typeof value !== 'string' || !QUANTITY.test(value)) {
    return `must be a quantity such as "128Mi", "1Gi", "500m" or "0.5", got ${JSON.stringify(value)}`;
  }
  return Number.parseFloat(value) < 0 ? `must be greater than or equal to 0, got ${JSON.stringify(value)}` : undefined;
}

/**
 * Checks a container's `resources.requests` and `resources.limits` as the API server does for a pod template;
 * `skip` leaves a value alone (an `{{args.x}}` placeholder filled in later).
 */
export function checkContainerResources(c: FieldChecker, container: Record<string, unknown>, path: string, skip: (value: unknown) => boolean = () => false): void {
  const resourcesPath = childPath(path, 'resources');
  const resources = c.object(container.resources, resourcesPath);
  for (const kind of ['requests', 'limits']) {
    const listPath = childPath(resourcesPath, kind);
    const list = c.object(resources?.[kind], listPath);
    for (const [resource, quantity] of Object.entries(list ?? {})) {
      const problem = skip(quantity) ? undefined : quantityProblem(quantity);
      if (problem !== undefined) c.add(childPath(listPath, resource), problem);
    }
  }
}
