// Issue #20, finding 4: image strings come from the Rollout's spec, which a tenant writes. Put into the commit message
// unsanitised, an image with a newline forged a trailer (`Signed-off-by:`) or a paragraph of its own. Every value from
// outside is one line in the message, its control characters escaped.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { revertMessage, rollBackMessage, type RollbackContext } from '../../src/gitops/commit-message.js';
import type { ImageSite, SiteBinding } from '../../src/gitops/image-site.js';

const FORGED = 'ghcr.io/acme/checkout:1.5.0\n\nSigned-off-by: Release Manager <rm@acme.example>';

const context: RollbackContext = { rollout: { namespace: 'shop', name: 'checkout' }, failingPodHash: '7f9c5d6b8', release: 'uid/1', reason: 'analysis failed' };

function binding(stable: string, failing: string, file = 'apps/checkout/rollout.yaml'): SiteBinding {
  const site = { kind: 'manifest', file, key: file, describe: () => `${file} (Rollout checkout, container app)` } as unknown as ImageSite;
  return { container: 'app', stable, failing, site };
}

/** The trailers git itself finds in a message. */
function trailers(message: string): string {
  return execFileSync('git', ['interpret-trailers', '--parse'], { input: message, encoding: 'utf8' });
}

describe('commit messages with values from outside', () => {
  it('given a failing image with newlines and a Signed-off-by line, when the rollback message is written, then git finds no forged trailer and the subject is one line', () => {
    const message = rollBackMessage(context, [binding(FORGED, FORGED)]);

    expect(trailers(message)).not.toMatch(/Signed-off-by/i);
    expect(message).not.toMatch(/^Signed-off-by:/m);
    expect(message.split('\n')[1]).toBe('');
    expect(message).toContain('\\n\\nSigned-off-by: Release Manager');
  });

  it('given a file name with a newline, when the rollback message lists the places, then it stays on its line', () => {
    const message = rollBackMessage(context, [binding('a:1', 'a:2', 'apps/x\nReviewed-by: Mallory <m@evil.example>.yaml')]);

    expect(trailers(message)).not.toMatch(/Reviewed-by/);
    expect(message).not.toMatch(/^Reviewed-by:/m);
  });

  it('given an offending subject with control characters, when the revert message is written, then they are escaped', () => {
    const message = revertMessage(context, { sha: 'a'.repeat(40), parents: [], subject: 'Bump\u2028Signed-off-by: x <x@x>\u0007' });

    expect(message).not.toMatch(/[\u0007\u2028]/);
    expect(trailers(message)).not.toMatch(/Signed-off-by/);
  });
});
