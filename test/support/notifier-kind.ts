// Where the Notifier kind is served (vane.dev/v1alpha1, namespaced), for the tests and benchmark that create one;
// the same address as Kinds.Notifier once the Notifier's resource code adds it there.
import type { ResourceKind } from '../../src/kube/resource-kind.js';

export const NOTIFIER_KIND: ResourceKind = { group: 'vane.dev', version: 'v1alpha1', kind: 'Notifier', plural: 'notifiers', namespaced: true };
