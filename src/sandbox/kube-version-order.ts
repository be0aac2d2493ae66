// Kubernetes' version priority (v2 > v1 > v1beta2 > v1beta1 > v1alpha1 > anything else), for preferred versions.

const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

function rank(version: string): [number, number, number] | undefined {
  const m = KUBE_VERSION.exec(version);
  if (!m) return undefined;
  const stability = m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0;
  return [stability, Number(m[1]), m[3] === undefined ? 0 : Number(m[3])];
}

/** Sort comparator putting the most preferred version first (as CompareKubeAwareVersionStrings). */
export function compareKubeVersions(a: string, b: string): number {
  const ra = rank(a);
  const rb = rank(b);
  if (!ra && !rb) return a < b ? -1 : a > b ? 1 : 0;
  if (!ra) return 1;
  if (!rb) return -1;
  for (let i = 0; i < 3; i++) {
    const d = (rb[i] ?? 0) - (ra[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
