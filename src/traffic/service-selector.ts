// Pins a Service's selector to one pod-template hash: blue-green active/preview switching and canary/stable services.
import { VaneError } from '../errors.js';
import type { ObjectWriter } from '../kube/kube-client.js';
import type { KubeObject } from '../kube/kube-object.js';
import { Kinds } from '../kube/resource-kind.js';
import { POD_TEMPLATE_HASH_LABEL } from '../resources/pod-template-hash.js';

export interface ServiceObject extends KubeObject {
  spec?: { selector?: Record<string, string>; [field: string]: unknown };
}

/**
 * Makes `service` select pods of `hash`; writes only when the selector differs. A missing Service is an error that
 * names it, so the Rollout reports what to create.
 */
export async function pinServiceToHash(
  writer: ObjectWriter,
  service: ServiceObject | undefined,
  ref: { namespace: string; name: string },
  hash: string,
): Promise<boolean> {
  if (!service) throw new VaneError('NotFound', `Service ${ref.namespace}/${ref.name} not found`);
  if (service.spec?.selector?.[POD_TEMPLATE_HASH_LABEL] === hash) return false;
  await writer.patch(Kinds.Service, ref.namespace, ref.name, { spec: { selector: { [POD_TEMPLATE_HASH_LABEL]: hash } } }, 'merge');
  return true;
}

export function selectedHash(service: ServiceObject | undefined): string | undefined {
  return service?.spec?.selector?.[POD_TEMPLATE_HASH_LABEL];
}
