// The static-token recipe of deploy/README.md ("Static API tokens") works: its commands, run as written, make a token
// and a Secret whose tokens.yaml, mounted where components/api-static-token mounts it, the controller's token file
// reader accepts, authenticating the token as the subject the recipe names.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { VaneError } from '../../src/errors.js';
import { loadStaticTokenFile, parseStaticTokens } from '../../src/server/static-token-authenticator.js';
import { KUSTOMIZE_DIR, REPO_ROOT } from './support/kustomize-render.js';

/** The first ```sh block of the "### Static API tokens" section. */
function recipe(): string {
  const text = readFileSync(join(REPO_ROOT, 'deploy/README.md'), 'utf8');
  const section = /^### Static API tokens\n([\s\S]*?)^#{2,3} /m.exec(text)?.[1];
  if (section === undefined) throw new Error('deploy/README.md has no "### Static API tokens" section');
  const block = /^```sh\n([\s\S]*?)^```$/m.exec(section)?.[1];
  if (block === undefined) throw new Error('the "Static API tokens" section has no sh block');
  return block;
}

interface Secret {
  kind: string;
  metadata: { name: string; namespace?: string };
  data: Record<string, string>;
}

interface ComponentPatch {
  spec: {
    template: {
      spec: {
        containers: Array<{ env: Array<{ name: string; value: string }>; volumeMounts: Array<{ name: string; mountPath: string }> }>;
        volumes: Array<{ name: string; secret: { secretName: string } }>;
      };
    };
  };
}

/** Where components/api-static-token mounts which Secret, and the file it tells the controller to read. */
function componentMount(): { secretName: string; mountPath: string; tokenFile: string } {
  const kustomization = yaml.load(readFileSync(join(KUSTOMIZE_DIR, 'components/api-static-token/kustomization.yaml'), 'utf8')) as { patches: Array<{ patch: string }> };
  const pod = (yaml.load(kustomization.patches[0]!.patch) as ComponentPatch).spec.template.spec;
  const container = pod.containers[0]!;
  const mount = container.volumeMounts[0]!;
  const volume = pod.volumes.find((v) => v.name === mount.name)!;
  const tokenFile = container.env.find((e) => e.name === 'VANE_API_TOKEN_FILE')!.value;
  return { secretName: volume.secret.secretName, mountPath: mount.mountPath, tokenFile };
}

const scratch = mkdtempSync(join(tmpdir(), 'vane-token-recipe-'));

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('the static-token recipe in deploy/README.md', () => {
  it('when its commands run as written, then the controller reads the Secret it makes and knows the token as release-bot', async () => {
    const work = join(scratch, 'recipe');
    mkdirSync(work);
    // The recipe as written, then one line of the test's own to see the token it made.
    const script = `set -euo pipefail\n${recipe()}\nprintf %s "$TOKEN" > token.txt\n`;
    execFileSync('bash', ['-c', script], { cwd: work, env: { PATH: process.env['PATH'], HOME: work }, encoding: 'utf8' });
    const token = readFileSync(join(work, 'token.txt'), 'utf8');
    expect(token).toMatch(/^[0-9a-f]{64}$/);

    const secret = yaml.load(readFileSync(join(work, 'vane-api-tokens.yaml'), 'utf8')) as Secret;
    const mount = componentMount();
    expect({ kind: secret.kind, name: secret.metadata.name, namespace: secret.metadata.namespace }).toEqual({ kind: 'Secret', name: mount.secretName, namespace: 'vane-system' });
    expect(dirname(mount.tokenFile)).toBe(mount.mountPath);
    const key = basename(mount.tokenFile);
    expect(Object.keys(secret.data)).toEqual([key]);

    // Mounted as the kubelet would: each key of the Secret a file in the mount directory.
    const mounted = join(scratch, 'mount');
    mkdirSync(mounted);
    writeFileSync(join(mounted, key), Buffer.from(secret.data[key]!, 'base64'));
    const tokens = await loadStaticTokenFile(join(mounted, key));
    expect(tokens.size).toBe(1);
    expect(await tokens.authenticate(token)).toEqual({ username: 'release-bot', groups: ['deployers', 'system:authenticated'] });
    expect(await tokens.authenticate(`${token}\n`)).toBeUndefined();
  });

  it('given the digest as sha256sum prints it (with "  -"), then the reader refuses the file naming the entry', () => {
    const printed = execFileSync('bash', ['-c', 'printf %s secret-token | sha256sum'], { encoding: 'utf8' }).trimEnd();
    expect(printed).toMatch(/^[0-9a-f]{64} {2}-$/);
    const file = `tokens:\n  - sha256: ${printed}\n    subject: release-bot\n`;
    expect(() => parseStaticTokens(file, 'tokens.yaml')).toThrowError(VaneError);
    expect(() => parseStaticTokens(file, 'tokens.yaml')).toThrowError("tokens.yaml: tokens[0].sha256: must be the 64 hex digits of the token's SHA-256 digest");
  });
});
