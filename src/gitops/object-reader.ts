// Port through which the gitops layer reads cluster objects (Argo CD Applications, Flux sources, Secrets).

export interface ObjectReader {
  /** The object, or undefined when it does not exist. `namespace` is undefined for cluster-scoped kinds. */
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<object | undefined>;
  /**
   * Objects matching a label selector (`key=value,key2 in (a,b)`). Optional: only used to find Argo CD
   * repository secrets, which no Application names; without it such secrets are not discovered.
   */
  list?(apiVersion: string, kind: string, namespace: string | undefined, labelSelector: string): Promise<object[]>;
}
