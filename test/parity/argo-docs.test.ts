// Specification that what the parity documents say matches the code: the generated list of Argo fields Vane lacks,
// in src/resources and in docs/argo-rollouts.md, is what Argo's vendored CRDs and Vane's schemas give today.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_FILE, PARITY_DOC, generatedSource, unsupportedFieldList, withUnsupportedList } from '../../src/resources/generate-argo-fields.js';

describe('the list of Argo Rollouts fields Vane does not support', () => {
  it('given the schemas, then src/resources/argo-unsupported-fields.ts is current (run generate-argo-fields.ts to fix)', () => {
    expect(readFileSync(GENERATED_FILE, 'utf8')).toBe(generatedSource());
  });

  it('given the schemas, then docs/argo-rollouts.md lists exactly those fields (run generate-argo-fields.ts to fix)', () => {
    const doc = readFileSync(PARITY_DOC, 'utf8');
    expect(doc).toBe(withUnsupportedList(doc, unsupportedFieldList()));
    expect(unsupportedFieldList()).toContain('`spec.strategy.canary.steps[].plugin`');
  });
});
