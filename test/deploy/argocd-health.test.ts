// Specification of the Argo CD health check for Rollouts (deploy/argocd/rollout-health.lua), run by a real Lua
// interpreter against a Rollout sample of each phase; and of the argocd-cm snippet that carries it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { argoHealth, HEALTH_SCRIPT_PATH } from './support/argocd-health-script.js';
import { REPO_ROOT } from './support/kustomize-render.js';

interface Sample {
  case: string;
  expect: 'Healthy' | 'Progressing' | 'Suspended' | 'Degraded';
  /** A part of the message Argo CD shows. */
  message?: string;
  object: { status?: { message?: string } };
}

const samples = yaml.load(readFileSync(join(import.meta.dirname, 'fixtures', 'rollout-health-samples.yaml'), 'utf8')) as Sample[];
const script = readFileSync(HEALTH_SCRIPT_PATH, 'utf8');

describe('Argo CD health of a vane.dev/Rollout', () => {
  it('given the samples, then every health status Argo CD knows for a Rollout is covered', () => {
    expect(new Set(samples.map((s) => s.expect))).toEqual(new Set(['Healthy', 'Progressing', 'Suspended', 'Degraded']));
  });

  for (const sample of samples) {
    it(`given ${sample.case}, then the health is ${sample.expect}`, async () => {
      const health = await argoHealth(sample.object, script);
      expect(health.status).toBe(sample.expect);
      if (sample.message !== undefined) expect(health.message).toContain(sample.message);
      expect(health.message).not.toBe('');
    });
  }

  it('given a status message with quotes and non-ASCII text, then Argo CD shows it unchanged', async () => {
    const healthy = samples.find((s) => s.expect === 'Healthy' && s.object.status?.message !== undefined)!;
    expect((await argoHealth(healthy.object, script)).message).toBe(healthy.object.status?.message);
  });

  it('given the script, then it uses nothing newer than Lua 5.1 (Argo CD runs gopher-lua)', () => {
    const code = script.replace(/--.*$/gm, '').replace(/"(?:[^"\\]|\\.)*"/g, '""');
    const newer = [/\bgoto\b/, /\/\//, /<const>|<close>/, /[&|]|<<|>>|~(?!=)/, /\butf8\./, /\btable\.(move|unpack)\b/, /\bmath\.(tointeger|type)\b/];
    expect(newer.filter((pattern) => pattern.test(code)).map(String)).toEqual([]);
  });
});

describe('deploy/argocd/argocd-cm.yaml', () => {
  const cm = yaml.load(readFileSync(join(REPO_ROOT, 'deploy', 'argocd', 'argocd-cm.yaml'), 'utf8')) as { data: Record<string, string> };

  it('given the argocd-cm snippet, then its health entry is the tested script, under the key Argo CD looks up', () => {
    expect(cm.data['resource.customizations.health.vane.dev_Rollout']).toBe(script);
  });

  it('given the argocd-cm snippet, then it ignores what Vane writes into route objects kept in git, and only that', () => {
    const prefix = 'resource.customizations.ignoreDifferences.';
    const ignored = Object.fromEntries(
      Object.entries(cm.data)
        .filter(([key]) => key.startsWith(prefix))
        .map(([key, value]) => [key.slice(prefix.length), (yaml.load(value) as { jqPathExpressions: string[] }).jqPathExpressions]),
    );
    // The TrafficSplit and the NGINX canary Ingress are Vane's own objects, not in git (docs/traffic-routing.md).
    expect(Object.keys(ignored).sort()).toEqual([
      'apisix.apache.org_ApisixRoute',
      'appmesh.k8s.aws_VirtualNode',
      'appmesh.k8s.aws_VirtualRouter',
      'gateway.networking.k8s.io_HTTPRoute',
      'networking.istio.io_DestinationRule',
      'networking.istio.io_VirtualService',
      'traefik.containo.us_TraefikService',
      'traefik.io_TraefikService',
    ]);
    expect(ignored['gateway.networking.k8s.io_HTTPRoute']).toEqual(expect.arrayContaining([expect.stringMatching(/backendRefs.*weight/), expect.stringMatching(/"vane-"/)]));
    expect(ignored['networking.istio.io_VirtualService']).toEqual(expect.arrayContaining([expect.stringMatching(/route.*weight/), expect.stringMatching(/"vane-"/)]));
    expect(ignored['networking.istio.io_DestinationRule']).toEqual(['.spec.subsets[].labels["rollouts-pod-template-hash"]']);
  });

  // Argo CD evaluates these with gojq; Debian's jq reads the same path expressions.
  it('given live route objects as Vane leaves them, then each jq expression selects exactly what Vane wrote', () => {
    const prefix = 'resource.customizations.ignoreDifferences.';
    // Each route object also has a rule of the user's with no backends (a redirect): the expressions must pass over it.
    const live: Record<string, object> = {
      'gateway.networking.k8s.io_HTTPRoute': {
        spec: {
          rules: [
            { name: 'main', backendRefs: [{ name: 'web-stable', weight: 90 }, { name: 'web-canary', weight: 10 }], filters: [] },
            { name: 'vane-testers', backendRefs: [{ name: 'web-canary' }] },
            { name: 'old-path', matches: [{ path: { type: 'PathPrefix', value: '/old' } }], filters: [{ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplaceFullPath', replaceFullPath: '/new' } } }] },
          ],
        },
      },
      'networking.istio.io_VirtualService': {
        spec: {
          hosts: ['web'],
          http: [
            { name: 'primary', route: [{ destination: { host: 'web', subset: 'stable' }, weight: 90 }, { destination: { host: 'web', subset: 'canary' }, weight: 10 }], retries: { attempts: 3 } },
            { name: 'vane-testers', route: [{ destination: { host: 'web', subset: 'canary' } }] },
            { name: 'old-path', match: [{ uri: { prefix: '/old' } }], redirect: { uri: '/new' } },
          ],
        },
      },
      'networking.istio.io_DestinationRule': { spec: { host: 'web', subsets: [{ name: 'stable', labels: { app: 'web', 'rollouts-pod-template-hash': 'a1' } }, { name: 'canary', labels: { app: 'web', 'rollouts-pod-template-hash': 'b2' } }] } },
      'apisix.apache.org_ApisixRoute': { spec: { http: [{ name: 'main', match: { paths: ['/*'] }, backends: [{ serviceName: 'web-stable', weight: 90 }, { serviceName: 'web-canary', weight: 10 }] }, { name: 'up', match: { paths: ['/up'] }, upstreams: [{ name: 'legacy' }] }] } },
      'appmesh.k8s.aws_VirtualRouter': {
        spec: {
          routes: [
            { name: 'primary', httpRoute: { match: { prefix: '/' }, action: { weightedTargets: [{ virtualNodeRef: { name: 'web-canary' }, weight: 10 }, { virtualNodeRef: { name: 'web-stable' }, weight: 90 }] } } },
            { name: 'db', priority: 1, tcpRoute: { action: { weightedTargets: [{ virtualNodeRef: { name: 'db' }, weight: 1 }] } } },
          ],
        },
      },
      'appmesh.k8s.aws_VirtualNode': { spec: { podSelector: { matchLabels: { app: 'web', 'rollouts-pod-template-hash': 'a1' } } } },
      'traefik.io_TraefikService': { spec: { weighted: { services: [{ name: 'web-stable', port: 80, weight: 90 }, { name: 'web-canary', port: 80, weight: 10 }] } } },
      'traefik.containo.us_TraefikService': { spec: { weighted: { services: [{ name: 'web-stable', port: 80, weight: 90 }, { name: 'web-canary', port: 80, weight: 10 }] } } },
    };
    const expected: Record<string, string[]> = {
      // jq's path() also names an absent `weight`: inside Vane's own rule that is ignored anyway.
      'gateway.networking.k8s.io_HTTPRoute': ['spec.rules.0.backendRefs.0.weight', 'spec.rules.0.backendRefs.1.weight', 'spec.rules.1', 'spec.rules.1.backendRefs.0.weight'],
      'networking.istio.io_VirtualService': ['spec.http.0.route.0.weight', 'spec.http.0.route.1.weight', 'spec.http.1', 'spec.http.1.route.0.weight'],
      'networking.istio.io_DestinationRule': ['spec.subsets.0.labels.rollouts-pod-template-hash', 'spec.subsets.1.labels.rollouts-pod-template-hash'],
      'apisix.apache.org_ApisixRoute': ['spec.http.0.backends.0.weight', 'spec.http.0.backends.1.weight'],
      // Every route kind is split by weight, a TCP route included: all their weights are Vane's or stay as written.
      'appmesh.k8s.aws_VirtualRouter': ['spec.routes.0.httpRoute.action.weightedTargets.0.weight', 'spec.routes.0.httpRoute.action.weightedTargets.1.weight', 'spec.routes.1.tcpRoute.action.weightedTargets.0.weight'],
      'appmesh.k8s.aws_VirtualNode': ['spec.podSelector.matchLabels.rollouts-pod-template-hash'],
      'traefik.io_TraefikService': ['spec.weighted.services.0.weight', 'spec.weighted.services.1.weight'],
      'traefik.containo.us_TraefikService': ['spec.weighted.services.0.weight', 'spec.weighted.services.1.weight'],
    };
    for (const [kind, object] of Object.entries(live)) {
      const expressions = (yaml.load(cm.data[`${prefix}${kind}`]!) as { jqPathExpressions: string[] }).jqPathExpressions;
      const paths = expressions.flatMap((e) => JSON.parse(execFileSync('jq', ['-c', `[path(${e})]`], { input: JSON.stringify(object), encoding: 'utf8' })) as Array<Array<string | number>>);
      expect(paths.map((p) => p.join('.')).sort(), kind).toEqual(expected[kind]);
    }
  });
});

/** The documents of the fenced YAML blocks of a Markdown file in the repository that mention ignoreDifferences. */
function ignoreDifferencesBlocks(file: string): unknown[] {
  const text = readFileSync(join(REPO_ROOT, file), 'utf8');
  const blocks = [...text.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map(([, body = '']) => body);
  return blocks.filter((body) => body.includes('ignoreDifferences')).flatMap((body) => yaml.loadAll(body));
}

interface IgnoreDifference {
  group?: string;
  kind: string;
  jqPathExpressions?: string[];
  jsonPointers?: string[];
}

/** `group_Kind` → expressions, from both forms the docs show: argocd-cm `data` entries and an Application's spec. */
function documentedIgnores(file: string): Array<{ kind: string; expressions: IgnoreDifference }> {
  const prefix = 'resource.customizations.ignoreDifferences.';
  return ignoreDifferencesBlocks(file).flatMap((block) => {
    const doc = (block ?? {}) as { data?: Record<string, string>; spec?: { ignoreDifferences?: IgnoreDifference[] } };
    const fromCm = Object.entries(doc.data ?? {})
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => ({ kind: key.slice(prefix.length), expressions: yaml.load(value) as IgnoreDifference }));
    const fromApp = (doc.spec?.ignoreDifferences ?? []).map((entry) => ({ kind: `${entry.group ?? ''}_${entry.kind}`, expressions: entry }));
    return [...fromCm, ...fromApp];
  });
}

describe.each(['docs/gitops.md', 'docs/traffic-routing.md'])('the ignoreDifferences in %s', (file) => {
  const cm = yaml.load(readFileSync(join(REPO_ROOT, 'deploy', 'argocd', 'argocd-cm.yaml'), 'utf8')) as { data: Record<string, string> };
  const tested = (kind: string): string[] | undefined => {
    const entry = cm.data[`resource.customizations.ignoreDifferences.${kind}`];
    return entry === undefined ? undefined : (yaml.load(entry) as IgnoreDifference).jqPathExpressions;
  };

  it('then every route object it names is ignored with the expressions of deploy/argocd/argocd-cm.yaml, which match what Vane writes', () => {
    const documented = documentedIgnores(file);
    expect(documented.length).toBeGreaterThan(0);
    for (const { kind, expressions } of documented) {
      expect(expressions.jsonPointers, `${file}: ${kind} by position`).toBeUndefined();
      expect(expressions.jqPathExpressions, `${file}: ${kind}`).toEqual(tested(kind));
    }
  });
});
