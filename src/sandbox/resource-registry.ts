// The served resources: the built-ins and those that created CustomResourceDefinitions add, found by URL parts.
import { compareKubeVersions } from './kube-version-order.js';
import type { ResourceType } from './resource-type.js';

export interface ServedGroup {
  name: string;
  /** Served versions, the preferred one first. */
  versions: string[];
}

function typeId(group: string, version: string, resource: string): string {
  return `${group}/${version}/${resource}`;
}

/** `replicasets.apps`, or `pods` for the core group: the key objects of one resource are stored under. */
export function storageKeyOf(group: string, resource: string): string {
  return group === '' ? resource : `${resource}.${group}`;
}

export class ResourceRegistry {
  private readonly byId = new Map<string, ResourceType>();
  private readonly byStorageKey = new Map<string, ResourceType>();
  private readonly custom = new Map<string, { types: ResourceType[]; storage: ResourceType | undefined }>();
  private readonly builtinGroupOrder: string[] = [];

  constructor(builtins: readonly ResourceType[]) {
    for (const type of builtins) {
      this.add(type);
      if (type.group !== '' && !this.builtinGroupOrder.includes(type.group)) this.builtinGroupOrder.push(type.group);
      if (type.codec.identity && !this.byStorageKey.has(type.storageKey)) this.byStorageKey.set(type.storageKey, type);
    }
  }

  find(group: string, version: string, resource: string): ResourceType | undefined {
    return this.byId.get(typeId(group, version, resource));
  }

  /** The type whose served form is the stored form: the one controllers inside the sandbox work with. */
  storageType(storageKey: string): ResourceType | undefined {
    return this.byStorageKey.get(storageKey);
  }

  all(): ResourceType[] {
    return [...this.byId.values()];
  }

  inGroupVersion(group: string, version: string): ResourceType[] {
    return this.all().filter((t) => t.group === group && t.version === version);
  }

  /** Served API groups other than the core group, built-ins first, as `/apis` lists them. */
  groups(): ServedGroup[] {
    const versions = new Map<string, Set<string>>();
    for (const type of this.byId.values()) {
      if (type.group === '') continue;
      let set = versions.get(type.group);
      if (!set) {
        set = new Set();
        versions.set(type.group, set);
      }
      set.add(type.version);
    }
    const customGroups = [...versions.keys()].filter((g) => !this.builtinGroupOrder.includes(g)).sort();
    return [...this.builtinGroupOrder, ...customGroups]
      .filter((name) => versions.has(name))
      .map((name) => ({ name, versions: [...(versions.get(name) ?? [])].sort(compareKubeVersions) }));
  }

  /**
   * Replaces what one CustomResourceDefinition contributes: its served versions, and its storage version
   * (kept even when not served, so that its objects can still be garbage collected). Nothing removes it.
   */
  setCustom(crdName: string, served: readonly ResourceType[], storage: ResourceType | undefined): void {
    const old = this.custom.get(crdName);
    for (const type of old?.types ?? []) this.byId.delete(typeId(type.group, type.version, type.resource));
    if (old?.storage) this.byStorageKey.delete(old.storage.storageKey);
    if (served.length === 0 && !storage) {
      this.custom.delete(crdName);
      return;
    }
    this.custom.set(crdName, { types: [...served], storage });
    for (const type of served) this.add(type);
    if (storage) this.byStorageKey.set(storage.storageKey, storage);
  }

  private add(type: ResourceType): void {
    this.byId.set(typeId(type.group, type.version, type.resource), type);
  }
}
