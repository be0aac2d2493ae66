// A set of field paths in the FieldsV1 form the apiserver stores in managedFields: a tree whose keys are path
// elements (`f:name`, `k:{"name":"app"}`, `v:"value"`) and whose `.` entry marks a node that is itself a member.
import { isJsonObject } from './schema/json-value.js';

/** The JSON form: `{}` for a member leaf, `.: {}` beside the children of a member with children. */
export type FieldsV1 = { [element: string]: FieldsV1 };

const SELF = '.';

export class FieldSet {
  member = false;
  readonly children = new Map<string, FieldSet>();

  static fromFieldsV1(value: unknown): FieldSet {
    const set = new FieldSet();
    if (!isJsonObject(value)) return set;
    for (const [element, child] of Object.entries(value)) {
      if (element === SELF) set.member = true;
      else set.children.set(element, FieldSet.fromFieldsV1(child));
    }
    // A leaf `{}` is a member with no children.
    if (set.children.size === 0) set.member = true;
    return set;
  }

  child(element: string): FieldSet {
    let child = this.children.get(element);
    if (!child) this.children.set(element, (child = new FieldSet()));
    return child;
  }

  get empty(): boolean {
    return !this.member && this.children.size === 0;
  }

  /** Adds every member of `other`. */
  unionWith(other: FieldSet): void {
    if (other.member) this.member = true;
    for (const [element, child] of other.children) this.child(element).unionWith(child);
  }

  /** Removes every member of `other`, dropping nodes left with nothing below them. */
  subtract(other: FieldSet): void {
    if (other.member) this.member = false;
    for (const [element, child] of other.children) {
      const mine = this.children.get(element);
      if (!mine) continue;
      mine.subtract(child);
      if (mine.empty) this.children.delete(element);
    }
  }

  /** Members only (no empty branches), with elements sorted as the apiserver writes them. */
  toFieldsV1(): FieldsV1 {
    const out: FieldsV1 = {};
    const elements = [...this.children.keys()].sort();
    if (this.member && elements.length > 0) out[SELF] = {};
    for (const element of elements) {
      const child = this.children.get(element);
      if (child && !child.empty) out[element] = child.toFieldsV1();
    }
    return out;
  }
}

export function fieldElement(name: string): string {
  return `f:${name}`;
}

/** A list item by its key fields, in key order as Go's JSON encoding of a map sorts them. */
export function keyElement(keys: Readonly<Record<string, unknown>>): string {
  const sorted = Object.fromEntries(Object.keys(keys).sort().map((k) => [k, keys[k]]));
  return `k:${JSON.stringify(sorted)}`;
}

/** A member of a set-like list of scalars (metadata.finalizers). */
export function valueElement(value: unknown): string {
  return `v:${JSON.stringify(value)}`;
}
