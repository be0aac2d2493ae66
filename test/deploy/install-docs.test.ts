// The install overlays the docs give (deploy/README.md "Install", docs/gitops.md) build as written: the remote
// reference `https://github.com/<you>/vane//deploy/kustomize/base?ref=<commit>` is pointed at a local clone of this
// repository (kustomize fetches `file://` repositories the same way) and `<commit>` at the commit checked out.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { describeObject, KUSTOMIZE_DIR, onlyObject, renderKustomization, REPO_ROOT, type ManifestObject } from './support/kustomize-render.js';

const REMOTE = 'https://github.com/<you>/vane';
const INSTALL_REFERENCE = `${REMOTE}//deploy/kustomize/base?ref=<commit>`;

/** The fenced YAML blocks of a Markdown file, de-indented (a block inside a list item is indented). */
function yamlBlocks(file: string): string[] {
  const text = readFileSync(join(REPO_ROOT, file), 'utf8');
  return [...text.matchAll(/^( *)```yaml\n([\s\S]*?)^\1```$/gm)].map(([, indent = '', body = '']) =>
    body
      .split('\n')
      .map((line) => line.slice(indent.length))
      .join('\n'),
  );
}

function installOverlay(file: string): string {
  const blocks = yamlBlocks(file).filter((block) => block.includes('/deploy/kustomize/base?ref='));
  expect(blocks, `${file}: one install overlay with a remote reference`).toHaveLength(1);
  return blocks[0]!;
}

const scratch = mkdtempSync(join(tmpdir(), 'vane-install-docs-'));
const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe.each(['deploy/README.md', 'docs/gitops.md'])('the install overlay in %s', (file) => {
  it('names the base by a commit, not by a tag that does not exist', () => {
    const overlay = yaml.load(installOverlay(file)) as { resources: string[] };
    expect(overlay.resources).toEqual([INSTALL_REFERENCE]);
  });

  it('given the reference pointed at a clone of this repository, then it renders the base with the image it names', async () => {
    const text = installOverlay(file).replace(REMOTE, `file://${REPO_ROOT}`).replace('<commit>', commit);
    expect(text, 'a placeholder the test does not fill').not.toMatch(/<[a-z]+>/);
    const dir = mkdtempSync(join(scratch, 'overlay-'));
    writeFileSync(join(dir, 'kustomization.yaml'), text);

    const installed = await renderKustomization(dir);
    const base = await renderKustomization(join(KUSTOMIZE_DIR, 'base'));
    expect(installed.map(describeObject).sort()).toEqual(base.map(describeObject).sort());
    const images = (yaml.load(text) as { images: Array<{ newName: string; newTag: string }> }).images;
    const deployment = onlyObject(installed, 'Deployment', 'vane-controller') as ManifestObject & { spec: { template: { spec: { containers: Array<{ image: string }> } } } };
    expect(deployment.spec.template.spec.containers.map((c) => c.image)).toEqual([`${images[0]!.newName}:${images[0]!.newTag}`]);
  }, 120_000);
});
