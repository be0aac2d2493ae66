// Specification of a revert limited to some documents of a file: the other workloads' documents stay as the branch has them.
import { describe, expect, it } from 'vitest';
import { keepDocuments } from '../../src/gitops/document-splice.js';
import { stringAt } from '../../src/gitops/unstructured.js';

const isWorker = (doc: unknown): boolean => stringAt(doc, ['metadata', 'name']) === 'worker';

const doc = (name: string, replicas: number): string => `kind: Deployment\nmetadata: {name: ${name}}\nspec: {replicas: ${replicas}}`;

describe('keepDocuments', () => {
  it('given the worker reverted along with the app, when keeping the worker, then the worker is as the branch has it and the app as reverted', () => {
    const reverted = `${doc('app', 1)}\n---\n${doc('worker', 1)}\n`;
    const current = `${doc('app', 5)}\n---\n${doc('worker', 3)}\n`;
    expect(keepDocuments(reverted, current, isWorker)).toBe(`${doc('app', 1)}\n---\n${doc('worker', 3)}\n`);
  });

  it('given a worker the release added (so the revert dropped it), when keeping it, then it is appended as the branch has it', () => {
    const reverted = `${doc('app', 1)}\n`;
    const current = `${doc('app', 5)}\n---\n${doc('worker', 3)}\n`;
    expect(keepDocuments(reverted, current, isWorker)).toBe(`${doc('app', 1)}\n---\n${doc('worker', 3)}\n`);
  });

  it('given a worker the release deleted (so the revert brought it back), when keeping the branch, then it stays deleted with its separator', () => {
    const reverted = `${doc('app', 1)}\n---\n${doc('worker', 1)}\n`;
    const current = `${doc('app', 5)}\n`;
    expect(keepDocuments(reverted, current, isWorker)).toBe(`${doc('app', 1)}\n`);
  });

  it('given text that is not YAML, when splicing, then it says it cannot', () => {
    expect(keepDocuments('kind: [unclosed\n', doc('app', 1), isWorker)).toBeUndefined();
  });
});
