// Server-side printing: the meta.k8s.io/v1 Table that `kubectl get` asks for, with a CRD's printer columns or a
// few columns per built-in resource.
import { readField } from './field-path.js';
import type { KubeObject } from './kube-object.js';
import type { PrinterColumn, ResourceType } from './resource-type.js';
import { isJsonObject } from './schema/json-value.js';

interface Column {
  definition: { name: string; type: string; format: string; description: string; priority: number };
  cell: (obj: KubeObject, now: number) => unknown;
}

/** kubectl's HumanDuration: `45s`, `3m12s`, `45m`, `3h5m`, `26h`, `3d4h`, `45d`, `2y100d`. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 192) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 730) return `${d}d`;
  const y = Math.floor(d / 365);
  return d % 365 === 0 ? `${y}y` : `${y}y${d % 365}d`;
}

function age(timestamp: unknown, now: number): string {
  if (typeof timestamp !== 'string') return '<unknown>';
  return humanDuration(now - Date.parse(timestamp));
}

function column(name: string, type: string, cell: Column['cell'], format = '', priority = 0): Column {
  return { definition: { name, type, format, description: '', priority }, cell };
}

const NAME = column('Name', 'string', (obj) => obj.metadata.name ?? '', 'name');
const AGE = column('Age', 'string', (obj, now) => age(obj.metadata.creationTimestamp, now));

function num(obj: KubeObject, path: string): number {
  const value = readField(obj, path);
  return typeof value === 'number' ? value : 0;
}

function podReady(obj: KubeObject): string {
  const statuses = readField(obj, '.status.containerStatuses');
  const containers = readField(obj, '.spec.containers');
  const total = Array.isArray(containers) ? containers.length : 0;
  const ready = Array.isArray(statuses) ? statuses.filter((s) => isJsonObject(s) && s['ready'] === true).length : 0;
  return `${ready}/${total}`;
}

function servicePorts(obj: KubeObject): string {
  const ports = readField(obj, '.spec.ports');
  if (!Array.isArray(ports) || ports.length === 0) return '<none>';
  return ports.map((p) => (isJsonObject(p) ? `${String(p['port'])}/${String(p['protocol'] ?? 'TCP')}` : '')).join(',');
}

function countOf(value: unknown): number {
  return isJsonObject(value) ? Object.keys(value).length : 0;
}

const BUILTIN_COLUMNS: Record<string, Column[]> = {
  pods: [
    column('Ready', 'string', podReady),
    column('Status', 'string', (obj) => readField(obj, '.status.phase') ?? ''),
    column('Restarts', 'string', () => '0'),
  ],
  deployments: [
    column('Ready', 'string', (obj) => `${num(obj, '.status.readyReplicas')}/${num(obj, '.spec.replicas')}`),
    column('Up-to-date', 'integer', (obj) => num(obj, '.status.updatedReplicas')),
    column('Available', 'integer', (obj) => num(obj, '.status.availableReplicas')),
  ],
  replicasets: [
    column('Desired', 'integer', (obj) => num(obj, '.spec.replicas')),
    column('Current', 'integer', (obj) => num(obj, '.status.replicas')),
    column('Ready', 'integer', (obj) => num(obj, '.status.readyReplicas')),
  ],
  services: [
    column('Type', 'string', (obj) => readField(obj, '.spec.type') ?? ''),
    column('Cluster-IP', 'string', (obj) => readField(obj, '.spec.clusterIP') ?? '<none>'),
    column('External-IP', 'string', () => '<none>'),
    column('Port(s)', 'string', servicePorts),
  ],
  namespaces: [column('Status', 'string', (obj) => readField(obj, '.status.phase') ?? '')],
  configmaps: [column('Data', 'integer', (obj) => countOf(obj['data']) + countOf(obj['binaryData']))],
  secrets: [column('Type', 'string', (obj) => obj['type'] ?? ''), column('Data', 'integer', (obj) => countOf(obj['data']))],
  leases: [column('Holder', 'string', (obj) => readField(obj, '.spec.holderIdentity') ?? '')],
};

function printerColumn(pc: PrinterColumn): Column {
  const cell = (obj: KubeObject, now: number): unknown => {
    const value = readField(obj, pc.jsonPath);
    if (pc.type === 'date') return value === undefined ? '<unknown>' : age(value, now);
    if (value === undefined || value === null) return null;
    return isJsonObject(value) || Array.isArray(value) ? JSON.stringify(value) : value;
  };
  return column(pc.name, pc.type, cell, pc.format ?? '', pc.priority ?? 0);
}

function columnsFor(type: ResourceType): Column[] {
  if (type.printerColumns.length > 0) return [NAME, ...type.printerColumns.map(printerColumn)];
  return [NAME, ...(BUILTIN_COLUMNS[type.resource] ?? []), AGE];
}

/** Whether the Accept header asks for a Table (kubectl get does). */
export function wantsTable(accept: string): boolean {
  return /as=Table/.test(accept);
}

/** A Table of objects already in served form; `includeObject=Object` embeds whole objects instead of metadata. */
export function printTable(type: ResourceType, objects: readonly KubeObject[], listMeta: Record<string, unknown>, includeObject: string | null): Record<string, unknown> {
  const columns = columnsFor(type);
  const now = Date.now();
  const rows = objects.map((obj) => ({
    cells: columns.map((c) => c.cell(obj, now)),
    object:
      includeObject === 'Object'
        ? obj
        : includeObject === 'None'
          ? undefined
          : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata },
  }));
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: listMeta, columnDefinitions: columns.map((c) => c.definition), rows };
}
