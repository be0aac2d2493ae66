import { describe, expect, it } from 'vitest';
import type { VaneError } from '../errors.js';
import { formatFieldErrors, InvalidSpecError, type FieldError } from './field-error.js';
import { blueGreenRollout, canaryRollout, loose, type Loose } from './fixtures/rollouts.js';
import { assertValidRollout, validateRollout } from './rollout-validation.js';

const CANARY = 'spec.strategy.canary';
const STEPS = `${CANARY}.steps`;
const BG = 'spec.strategy.blueGreen';
const DURATION_RULE = 'must be a non-negative integer of seconds or a duration string like "30s", "5m", "1h"';

interface Case {
  name: string;
  base: () => Loose;
  breakIt: (r: Loose) => void;
  errors: FieldError[];
}

const canary = (): Loose => loose(canaryRollout());
const blueGreen = (): Loose => loose(blueGreenRollout());
const err = (path: string, message: string): FieldError => ({ path, message });

const cases: Case[] = [
  // steps
  {
    name: 'a negative weight',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.steps[0] = { setWeight: -10 }),
    errors: [err(`${STEPS}[0].setWeight`, 'must be between 0 and 100')],
  },
  {
    name: 'a weight above 100',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.steps[4] = { setWeight: 150 }),
    errors: [err(`${STEPS}[4].setWeight`, 'must be between 0 and 100')],
  },
  {
    name: 'a fractional weight',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.steps[0] = { setWeight: 12.5 }),
    errors: [err(`${STEPS}[0].setWeight`, 'must be an integer')],
  },
  {
    name: 'pause.duration "ten"',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.steps[1].pause.duration = 'ten'),
    errors: [err(`${STEPS}[1].pause.duration`, DURATION_RULE)],
  },
  {
    name: 'a negative pause.duration',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.steps[1].pause.duration = -5),
    errors: [err(`${STEPS}[1].pause.duration`, DURATION_RULE)],
  },
  {
    name: 'a pause written as `pause:` (null)',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.steps[5] = { pause: null }),
    errors: [err(`${STEPS}[5].pause`, 'must be an object: write `pause: {}` to wait for a person')],
  },
  {
    name: 'an unknown step kind',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.steps[1] = { setWieght: 20 }),
    errors: [err(`${STEPS}[1]`, 'unknown step kind "setWieght"')],
  },
  {
    name: 'a step with two kinds',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.steps[0] = { setWeight: 10, pause: {} }),
    errors: [
      err(
        `${STEPS}[0]`,
        'must set only one of setWeight, pause, experiment, analysis, found setWeight and pause (setCanaryScale, setHeaderRoute and setMirrorRoute may sit beside one of them)',
      ),
    ],
  },
  {
    name: 'an empty step',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.steps[0] = {}),
    errors: [err(`${STEPS}[0]`, 'must set one of setWeight, pause, analysis, setCanaryScale, setHeaderRoute, setMirrorRoute, experiment')],
  },
  {
    name: 'an analysis step without templates',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.steps[2].analysis.templates = []),
    errors: [err(`${STEPS}[2].analysis.templates`, 'must not be empty')],
  },
  {
    name: 'an analysis template reference without templateName',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.steps[2].analysis.templates = [{ clusterScope: true }]),
    errors: [err(`${STEPS}[2].analysis.templates[0].templateName`, 'is required')],
  },
  {
    name: 'analysis args with a repeated name',
    base: canary,
    breakIt: (r) => r.spec.strategy.canary.steps[2].analysis.args.push({ name: 'service', value: 'x' }),
    errors: [err(`${STEPS}[2].analysis.args[1].name`, 'duplicate name "service"')],
  },
  {
    name: 'an analysis arg with both value and valueFrom',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.analysis.args[0].value = 'abc'),
    errors: [err(`${CANARY}.analysis.args[0]`, 'must set only one of value, valueFrom, found value and valueFrom')],
  },
  {
    name: 'an analysis arg with an unknown podTemplateHashValue',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.analysis.args[0].valueFrom.podTemplateHashValue = 'Canary'),
    errors: [err(`${CANARY}.analysis.args[0].valueFrom.podTemplateHashValue`, 'must be one of "Stable", "Latest", got "Canary"')],
  },
  {
    name: 'an analysis arg from an unsupported fieldRef path',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.analysis.args[0].valueFrom = { fieldRef: { fieldPath: 'metadata.generation' } }),
    errors: [
      err(
        `${CANARY}.analysis.args[0].valueFrom.fieldRef.fieldPath`,
        `fieldPath "metadata.generation" is not supported; use metadata.name, metadata.namespace, metadata.uid, metadata.labels['KEY'], metadata.annotations['KEY'] or a path to a field such as spec.replicas`,
      ),
    ],
  },
  {
    name: 'setCanaryScale without trafficRouting',
    base: canary,
    breakIt: (r) => delete r.spec.strategy.canary.trafficRouting,
    errors: [err(`${STEPS}[3].setCanaryScale`, 'requires spec.strategy.canary.trafficRouting')],
  },
  {
    name: 'setCanaryScale with both replicas and weight',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.steps[3].setCanaryScale.replicas = 2),
    errors: [
      err(`${STEPS}[3].setCanaryScale`, 'must set only one of replicas, weight, matchTrafficWeight, found replicas and weight'),
    ],
  },
  // strategy
  {
    name: 'both canary and blueGreen',
    base: canary,
    breakIt: (r) => (r.spec.strategy.blueGreen = { activeService: 'shop' }),
    errors: [err('spec.strategy', 'must set only one of canary, blueGreen, found canary and blueGreen')],
  },
  {
    name: 'neither canary nor blueGreen',
    base: canary,
    breakIt: (r) => (r.spec.strategy = {}),
    errors: [err('spec.strategy', 'must set one of canary, blueGreen')],
  },
  {
    name: 'an unknown strategy',
    base: canary,
    breakIt: (r) => (r.spec.strategy = { rollingUpdate: {} }),
    errors: [err('spec.strategy', 'unknown strategy "rollingUpdate"')],
  },
  {
    name: 'a missing strategy',
    base: canary,
    breakIt: (r) => delete r.spec.strategy,
    errors: [err('spec.strategy', 'is required')],
  },
  {
    name: 'canaryService equal to stableService',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.canaryService = 'shop-stable'),
    errors: [err(`${CANARY}.canaryService`, 'must differ from stableService')],
  },
  {
    name: 'background analysis starting after the last step',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.analysis.startingStep = 7),
    errors: [err(`${CANARY}.analysis.startingStep`, 'must be at most the number of steps (6); at 6 the run starts after the last step')],
  },
  {
    name: 'background analysis with a negative startingStep',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.analysis.startingStep = -1),
    errors: [err(`${CANARY}.analysis.startingStep`, 'must be greater than or equal to 0')],
  },
  {
    name: 'maxSurge and maxUnavailable both 0',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.maxSurge = '0%'),
    errors: [err(`${CANARY}.maxUnavailable`, 'must not be 0 when maxSurge is 0')],
  },
  {
    name: 'scaleDownDelaySeconds without trafficRouting (Argo: "can only be used with traffic routing")',
    base: canary,
    breakIt: (r) => {
      delete r.spec.strategy.canary.trafficRouting;
      r.spec.strategy.canary.steps = [{ setWeight: 20 }];
      r.spec.strategy.canary.scaleDownDelaySeconds = 10;
    },
    errors: [err(`${CANARY}.scaleDownDelaySeconds`, 'can only be used with trafficRouting (without a router the old pods go as the canary comes up)')],
  },
  {
    name: 'dynamicStableScale without trafficRouting (Argo: "can only be used with traffic routing")',
    base: canary,
    breakIt: (r) => {
      delete r.spec.strategy.canary.trafficRouting;
      r.spec.strategy.canary.steps = [{ setWeight: 20 }];
      r.spec.strategy.canary.dynamicStableScale = true;
    },
    errors: [err(`${CANARY}.dynamicStableScale`, 'can only be used with trafficRouting')],
  },
  {
    name: 'dynamicStableScale with scaleDownDelaySeconds (Argo: "cannot be used with scaleDownDelaySeconds")',
    base: canary,
    breakIt: (r) => {
      r.spec.strategy.canary.dynamicStableScale = true;
      r.spec.strategy.canary.scaleDownDelaySeconds = 10;
    },
    errors: [err(`${CANARY}.dynamicStableScale`, 'cannot be used with scaleDownDelaySeconds')],
  },
  {
    name: 'a negative canary scaleDownDelayRevisionLimit',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.scaleDownDelayRevisionLimit = -1),
    errors: [err(`${CANARY}.scaleDownDelayRevisionLimit`, 'must be greater than or equal to 0')],
  },
  {
    name: 'a blue-green scaleDownDelayRevisionLimit above revisionHistoryLimit (Argo rejects it too)',
    base: blueGreen,
    breakIt: (r) => {
      r.spec.revisionHistoryLimit = 2;
      r.spec.strategy.blueGreen.scaleDownDelayRevisionLimit = 3;
    },
    errors: [err(`${BG}.scaleDownDelayRevisionLimit`, 'must not exceed revisionHistoryLimit (2)')],
  },
  {
    name: 'a maxSurge that is neither a count nor a percentage',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.maxSurge = 'lots'),
    errors: [err(`${CANARY}.maxSurge`, 'must be a non-negative integer or a percentage like "25%"')],
  },
  {
    name: 'a negative abortScaleDownDelaySeconds',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.abortScaleDownDelaySeconds = -1),
    errors: [err(`${CANARY}.abortScaleDownDelaySeconds`, 'must be greater than or equal to 0')],
  },
  // traffic routing
  {
    name: 'trafficRouting without stable and canary services',
    base: canary,
    breakIt: (r) => {
      delete r.spec.strategy.canary.stableService;
      delete r.spec.strategy.canary.canaryService;
    },
    errors: [
      err(`${CANARY}.stableService`, 'is required when trafficRouting is set (except with pingPong or istio.destinationRule)'),
      err(`${CANARY}.canaryService`, 'is required when trafficRouting is set (except with pingPong or istio.destinationRule)'),
    ],
  },
  {
    name: 'a second traffic router that is malformed (each of several routers is checked)',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.trafficRouting.nginx = {}),
    errors: [err(`${CANARY}.trafficRouting.nginx`, 'must set one of stableIngress, stableIngresses')],
  },
  {
    name: 'an empty trafficRouting',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.trafficRouting = {}),
    errors: [err(`${CANARY}.trafficRouting`, 'must set one of gatewayAPI, istio, smi, nginx, alb, ambassador, apisix, appMesh, traefik')],
  },
  {
    name: 'an unknown traffic router',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.trafficRouting = { linkerd: {} }),
    errors: [err(`${CANARY}.trafficRouting`, 'unknown traffic router "linkerd"')],
  },
  {
    name: 'gatewayAPI without httpRoutes',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.trafficRouting.gatewayAPI.httpRoutes = []),
    errors: [err(`${CANARY}.trafficRouting.gatewayAPI.httpRoutes`, 'must not be empty')],
  },
  {
    name: 'gatewayAPI routes with a repeated name',
    base: canary,
    breakIt: (r) => r.spec.strategy.canary.trafficRouting.gatewayAPI.httpRoutes.push({ name: 'shop' }),
    errors: [err(`${CANARY}.trafficRouting.gatewayAPI.httpRoutes[1].name`, 'duplicate name "shop"')],
  },
  {
    name: 'smi rootService equal to canaryService',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.trafficRouting = { smi: { rootService: 'shop-canary' } }),
    errors: [err(`${CANARY}.trafficRouting.smi.rootService`, 'must differ from canaryService')],
  },
  {
    name: 'apisix without route',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.trafficRouting = { apisix: {} }),
    errors: [err(`${CANARY}.trafficRouting.apisix.route`, 'is required')],
  },
  {
    name: 'appMesh without virtualNodeGroup',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.trafficRouting = { appMesh: { virtualService: { name: 'shop' } } }),
    errors: [err(`${CANARY}.trafficRouting.appMesh.virtualNodeGroup`, 'is required')],
  },
  {
    name: 'appMesh with one VirtualNode for canary and stable',
    base: canary,
    breakIt: (r) =>
      (r.spec.strategy.canary.trafficRouting = {
        appMesh: { virtualService: { name: 'shop' }, virtualNodeGroup: { canaryVirtualNodeRef: { name: 'shop' }, stableVirtualNodeRef: { name: 'shop' } } },
      }),
    errors: [err(`${CANARY}.trafficRouting.appMesh.virtualNodeGroup.canaryVirtualNodeRef.name`, 'must differ from stableVirtualNodeRef.name')],
  },
  {
    name: 'traefik without weightedTraefikServiceName',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.trafficRouting = { traefik: {} }),
    errors: [err(`${CANARY}.trafficRouting.traefik.weightedTraefikServiceName`, 'is required')],
  },
  {
    name: 'istio with both virtualService and virtualServices',
    base: canary,
    breakIt: (r) =>
      (r.spec.strategy.canary.trafficRouting = {
        istio: { virtualService: { name: 'a' }, virtualServices: [{ name: 'b' }] },
      }),
    errors: [
      err(
        `${CANARY}.trafficRouting.istio`,
        'must set only one of virtualService, virtualServices, found virtualService and virtualServices',
      ),
    ],
  },
  {
    name: 'an istio destinationRule with the same subset twice',
    base: canary,
    breakIt: (r) =>
      (r.spec.strategy.canary.trafficRouting = {
        istio: {
          virtualService: { name: 'shop' },
          destinationRule: { name: 'shop', canarySubsetName: 'v1', stableSubsetName: 'v1' },
        },
      }),
    errors: [err(`${CANARY}.trafficRouting.istio.destinationRule.canarySubsetName`, 'must differ from stableSubsetName')],
  },
  {
    name: 'nginx without stableIngress',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.trafficRouting = { nginx: {} }),
    errors: [err(`${CANARY}.trafficRouting.nginx`, 'must set one of stableIngress, stableIngresses')],
  },
  {
    name: 'alb with both ingress and ingresses',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.trafficRouting = { alb: { ingress: 'a', ingresses: ['b'], servicePort: 80 } }),
    errors: [err(`${CANARY}.trafficRouting.alb`, 'must set only one of ingress, ingresses, found ingress and ingresses')],
  },
  {
    name: 'alb without servicePort',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.trafficRouting = { alb: { ingress: 'shop' } }),
    errors: [err(`${CANARY}.trafficRouting.alb.servicePort`, 'is required')],
  },
  {
    name: 'alb ingresses naming one Ingress twice',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.trafficRouting = { alb: { ingresses: ['a', 'a'], servicePort: 80 } }),
    errors: [err(`${CANARY}.trafficRouting.alb.ingresses[1]`, 'duplicate "a"')],
  },
  {
    name: 'alb stickiness enabled for more than 7 days',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.trafficRouting = { alb: { ingress: 'shop', servicePort: 80, stickinessConfig: { enabled: true, durationSeconds: 604801 } } }),
    errors: [err(`${CANARY}.trafficRouting.alb.stickinessConfig.durationSeconds`, 'must be between 1 and 604800 seconds (7 days) when stickiness is enabled, got 604801')],
  },
  {
    name: 'ambassador without mappings',
    base: canary,
    breakIt: (r) => (r.spec.strategy.canary.trafficRouting = { ambassador: { mappings: [] } }),
    errors: [err(`${CANARY}.trafficRouting.ambassador.mappings`, 'must not be empty')],
  },
  // blue-green
  {
    name: 'a blue-green strategy without activeService',
    base: blueGreen,
    breakIt: (r) => delete r.spec.strategy.blueGreen.activeService,
    errors: [err(`${BG}.activeService`, 'is required')],
  },
  {
    name: 'previewService equal to activeService',
    base: blueGreen,
    breakIt: (r) => (r.spec.strategy.blueGreen.previewService = 'api-active'),
    errors: [err(`${BG}.previewService`, 'must differ from activeService')],
  },
  {
    name: 'autoPromotionSeconds while auto promotion is disabled',
    base: blueGreen,
    breakIt: (r) => (r.spec.strategy.blueGreen.autoPromotionEnabled = false),
    errors: [err(`${BG}.autoPromotionSeconds`, 'must not be set when autoPromotionEnabled is false')],
  },
  {
    name: 'a previewReplicaCount of 0',
    base: blueGreen,
    breakIt: (r) => (r.spec.strategy.blueGreen.previewReplicaCount = 0),
    errors: [err(`${BG}.previewReplicaCount`, 'must be greater than or equal to 1')],
  },
  {
    name: 'a prePromotionAnalysis without templates',
    base: blueGreen,
    breakIt: (r) => (r.spec.strategy.blueGreen.prePromotionAnalysis = {}),
    errors: [err(`${BG}.prePromotionAnalysis.templates`, 'is required')],
  },
  {
    name: 'a negative scaleDownDelaySeconds',
    base: blueGreen,
    breakIt: (r) => (r.spec.strategy.blueGreen.scaleDownDelaySeconds = -30),
    errors: [err(`${BG}.scaleDownDelaySeconds`, 'must be greater than or equal to 0')],
  },
  // workload
  {
    name: 'a selector that does not match the template labels',
    base: canary,
    breakIt: (r) => (r.spec.selector.matchLabels.app = 'shop-v2'),
    errors: [err('spec.selector', 'does not match spec.template.metadata.labels')],
  },
  {
    name: 'a matchExpressions selector that does not match the template labels',
    base: blueGreen,
    breakIt: (r) => (r.spec.selector.matchExpressions[0].operator = 'NotIn'),
    errors: [err('spec.selector', 'does not match spec.template.metadata.labels')],
  },
  {
    name: 'an empty selector',
    base: canary,
    breakIt: (r) => (r.spec.selector = {}),
    errors: [err('spec.selector', 'must not be empty: a Rollout must select only its own pods')],
  },
  {
    name: 'an In requirement without values',
    base: blueGreen,
    breakIt: (r) => (r.spec.selector.matchExpressions[0].values = []),
    errors: [err('spec.selector.matchExpressions[0].values', 'must not be empty for operator In')],
  },
  {
    name: 'both template and workloadRef',
    base: canary,
    breakIt: (r) => (r.spec.workloadRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop' }),
    errors: [err('spec', 'must set only one of template, workloadRef, found template and workloadRef')],
  },
  {
    name: 'neither template nor workloadRef',
    base: canary,
    breakIt: (r) => delete r.spec.template,
    errors: [err('spec', 'must set one of template, workloadRef')],
  },
  {
    name: 'a workloadRef to a StatefulSet',
    base: canary,
    breakIt: (r) => {
      delete r.spec.template;
      r.spec.workloadRef = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'shop' };
    },
    errors: [err('spec.workloadRef.kind', 'must be one of "Deployment", got "StatefulSet"')],
  },
  {
    name: 'a template without containers',
    base: canary,
    breakIt: (r) => (r.spec.template.spec.containers = []),
    errors: [err('spec.template.spec.containers', 'must not be empty')],
  },
  {
    name: 'containers with a repeated name and a missing image',
    base: canary,
    breakIt: (r) => r.spec.template.spec.containers.push({ name: 'web' }),
    errors: [
      err('spec.template.spec.containers[1].image', 'is required'),
      err('spec.template.spec.containers[1].name', 'duplicate name "web"'),
    ],
  },
  {
    name: 'negative replicas',
    base: canary,
    breakIt: (r) => (r.spec.replicas = -1),
    errors: [err('spec.replicas', 'must be greater than or equal to 0')],
  },
  {
    name: 'replicas given as a string',
    base: canary,
    breakIt: (r) => (r.spec.replicas = '3'),
    errors: [err('spec.replicas', 'must be an integer')],
  },
  {
    name: 'a negative revisionHistoryLimit',
    base: canary,
    breakIt: (r) => (r.spec.revisionHistoryLimit = -1),
    errors: [err('spec.revisionHistoryLimit', 'must be greater than or equal to 0')],
  },
  {
    name: 'a progress deadline not above minReadySeconds',
    base: canary,
    breakIt: (r) => (r.spec.minReadySeconds = 300),
    errors: [err('spec.progressDeadlineSeconds', 'must be greater than minReadySeconds')],
  },
  // rollback
  {
    name: 'rollback.git.repoURL with whitespace',
    base: canary,
    breakIt: (r) => (r.spec.rollback.git.repoURL = 'https://git.example/a repo.git'),
    errors: [err('spec.rollback.git.repoURL', 'must not contain whitespace')],
  },
  {
    name: 'rollback.git.repoURL naming a remote helper',
    base: canary,
    breakIt: (r) => (r.spec.rollback.git.repoURL = 'ext::sh -c touch% /tmp/pwned'),
    errors: [err('spec.rollback.git.repoURL', 'must not contain whitespace'), err('spec.rollback.git.repoURL', 'must not name a git remote helper ("<transport>::<address>")')],
  },
  {
    name: 'rollback.git.repoURL that reads as an option',
    base: canary,
    breakIt: (r) => (r.spec.rollback.git.repoURL = '--upload-pack=touch'),
    errors: [err('spec.rollback.git.repoURL', 'must not start with "-"')],
  },
  {
    name: 'an unknown rollback.git.push mode',
    base: canary,
    breakIt: (r) => (r.spec.rollback.git.push = 'force'),
    errors: [err('spec.rollback.git.push', 'must be one of "direct", "branch", got "force"')],
  },
  {
    name: 'an invalid branch name',
    base: canary,
    breakIt: (r) => (r.spec.rollback.git.branch = 'release..1'),
    errors: [err('spec.rollback.git.branch', 'is not a valid git branch name')],
  },
  {
    name: 'a path climbing out of the repository',
    base: canary,
    breakIt: (r) => (r.spec.rollback.git.path = 'apps/../../etc'),
    errors: [err('spec.rollback.git.path', 'must not contain ".."')],
  },
  {
    name: 'a secretRef without a name',
    base: canary,
    breakIt: (r) => (r.spec.rollback.git.secretRef = {}),
    errors: [err('spec.rollback.git.secretRef.name', 'is required')],
  },
  // header
  {
    name: 'another apiVersion',
    base: canary,
    breakIt: (r) => (r.apiVersion = 'argoproj.io/v1alpha1'),
    errors: [err('apiVersion', 'must be "vane.dev/v1alpha1"')],
  },
  {
    name: 'another kind',
    base: canary,
    breakIt: (r) => (r.kind = 'Deployment'),
    errors: [err('kind', 'must be one of "Rollout", got "Deployment"')],
  },
  {
    name: 'no name',
    base: canary,
    breakIt: (r) => (r.metadata = { namespace: 'shop' }),
    errors: [err('metadata.name', 'is required')],
  },
];

describe('validateRollout', () => {
  it('given a valid canary and a valid blue-green Rollout, then there are no errors', () => {
    expect(validateRollout(canaryRollout())).toEqual([]);
    expect(validateRollout(blueGreenRollout())).toEqual([]);
  });

  it.each(cases)('given $name, then it reports exactly that rule', ({ base, breakIt, errors }) => {
    const rollout = base();
    breakIt(rollout);
    expect(validateRollout(rollout)).toEqual(errors);
  });

  it('given a workloadRef instead of a template, then the selector is not checked against labels', () => {
    const r = loose(canaryRollout());
    delete r.spec.template;
    r.spec.workloadRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop' };
    expect(validateRollout(r)).toEqual([]);
  });

  it('given smi with rootService equal to stableService, then it is accepted (the apex may be the stable Service)', () => {
    const r = loose(canaryRollout());
    r.spec.strategy.canary.trafficRouting = { smi: { rootService: 'shop-stable', trafficSplitName: 'shop' } };
    expect(validateRollout(r)).toEqual([]);
  });

  it('given something that is not an object, then the error is about the whole object', () => {
    expect(validateRollout('rollout')).toEqual([err('', 'must be an object')]);
    expect(validateRollout(null)).toEqual([err('', 'is required')]);
  });

  it('given several problems, then every one is reported', () => {
    const r = loose(canaryRollout());
    r.spec.replicas = -2;
    r.spec.strategy.canary.steps[0].setWeight = 101;
    r.spec.strategy.canary.steps[1].pause.duration = 'ten';
    expect(validateRollout(r).map((e) => e.path)).toEqual([
      'spec.replicas',
      `${STEPS}[0].setWeight`,
      `${STEPS}[1].pause.duration`,
    ]);
  });
});

// ---- setHeaderRoute ------------------------------------------------------------------------------------------

const TESTERS = { name: 'testers', match: [{ headerName: 'x-canary', headerValue: { exact: 'yes' } }] };
const HEADER_STEP = `${STEPS}[1].setHeaderRoute`;

/** The canary fixture over routing `routing`, with `setHeaderRoute: route` right after its first step (setWeight 10). */
function headerRouted(route: unknown = TESTERS, routing: unknown = { gatewayAPI: { httpRoutes: [{ name: 'shop', useHeaderRoutes: true }] } }): Loose {
  const r = canary();
  r.spec.strategy.canary.trafficRouting = routing;
  r.spec.strategy.canary.steps.splice(1, 0, { setHeaderRoute: route });
  return r;
}

const nginx = { nginx: { stableIngress: 'shop' } };

const headerRouteCases: Array<{ name: string; rollout: () => Loose; errors: FieldError[] }> = [
  {
    name: 'an HTTPRoute without useHeaderRoutes',
    rollout: () => headerRouted(TESTERS, { gatewayAPI: { httpRoutes: [{ name: 'shop' }] } }),
    errors: [err(HEADER_STEP, 'requires an httpRoute with useHeaderRoutes: true in spec.strategy.canary.trafficRouting.gatewayAPI')],
  },
  {
    name: 'the smi router',
    rollout: () => headerRouted(TESTERS, { smi: { trafficSplitName: 'shop' } }),
    errors: [err(HEADER_STEP, 'is not supported by the smi traffic router: an SMI TrafficSplit cannot match headers')],
  },
  {
    name: 'the appMesh router',
    rollout: () => headerRouted(TESTERS, { appMesh: { virtualService: { name: 'shop' }, virtualNodeGroup: { canaryVirtualNodeRef: { name: 'shop-canary' }, stableVirtualNodeRef: { name: 'shop-stable' } } } }),
    errors: [err(HEADER_STEP, 'is not supported by the appMesh traffic router: App Mesh routes are only weighted here, not matched by header')],
  },
  {
    name: 'the traefik router',
    rollout: () => headerRouted(TESTERS, { traefik: { weightedTraefikServiceName: 'shop' } }),
    errors: [err(HEADER_STEP, 'is not supported by the traefik traffic router: a weighted TraefikService cannot match headers')],
  },
  {
    name: 'the ambassador router',
    rollout: () => headerRouted(TESTERS, { ambassador: { mappings: ['shop'] } }),
    errors: [err(HEADER_STEP, 'is not supported by the ambassador traffic router: a canary Mapping splits by weight only')],
  },
  {
    name: 'a prefix match with the alb router',
    rollout: () => headerRouted({ name: 'testers', match: [{ headerName: 'x-team', headerValue: { prefix: 'qa' } }] }, { alb: { ingress: 'shop', servicePort: 80 } }),
    errors: [err(`${HEADER_STEP}.match[0].headerValue.prefix`, 'is not supported by the alb traffic router, whose conditions match exact header values only (use exact; ALB treats * and ? in it as wildcards)')],
  },
  {
    name: 'a name that is not a DNS label',
    rollout: () => headerRouted({ ...TESTERS, name: 'QA_team' }),
    errors: [err(`${HEADER_STEP}.name`, `must be a DNS label (lower case letters, digits and '-', at most 63 characters), got "QA_team"`)],
  },
  {
    name: 'a name of 64 characters',
    rollout: () => headerRouted({ ...TESTERS, name: 'a'.repeat(64) }),
    errors: [err(`${HEADER_STEP}.name`, `must be a DNS label (lower case letters, digits and '-', at most 63 characters), got "${'a'.repeat(64)}"`)],
  },
  {
    name: 'no name',
    rollout: () => headerRouted({ match: TESTERS.match }),
    errors: [err(`${HEADER_STEP}.name`, 'is required')],
  },
  {
    name: 'a headerValue with both exact and prefix',
    rollout: () => headerRouted({ name: 'testers', match: [{ headerName: 'x-canary', headerValue: { exact: 'yes', prefix: 'y' } }] }),
    errors: [err(`${HEADER_STEP}.match[0].headerValue`, 'must set only one of exact, prefix, regex, found exact and prefix')],
  },
  {
    name: 'an empty headerValue',
    rollout: () => headerRouted({ name: 'testers', match: [{ headerName: 'x-canary', headerValue: {} }] }),
    errors: [err(`${HEADER_STEP}.match[0].headerValue`, 'must set one of exact, prefix, regex')],
  },
  {
    name: 'a regex that is not a string',
    rollout: () => headerRouted({ name: 'testers', match: [{ headerName: 'x-canary', headerValue: { regex: 7 } }] }),
    errors: [err(`${HEADER_STEP}.match[0].headerValue.regex`, 'must be a string')],
  },
  {
    name: 'a header name with a space',
    rollout: () => headerRouted({ name: 'testers', match: [{ headerName: 'x canary', headerValue: { exact: 'yes' } }] }),
    errors: [err(`${HEADER_STEP}.match[0].headerName`, "must be an HTTP header name (letters, digits and !#$%&'*+-.^_`|~), got \"x canary\"")],
  },
  {
    name: 'a match without headerValue',
    rollout: () => headerRouted({ name: 'testers', match: [{ headerName: 'x-canary' }] }),
    errors: [err(`${HEADER_STEP}.match[0].headerValue`, 'is required')],
  },
  {
    name: 'the same header twice in other cases',
    rollout: () =>
      headerRouted({
        name: 'testers',
        match: [
          { headerName: 'X-Canary', headerValue: { exact: 'yes' } },
          { headerName: 'x-canary', headerValue: { prefix: 'y' } },
        ],
      }),
    errors: [err(`${HEADER_STEP}.match[1].headerName`, 'duplicate header "x-canary" (header names are case-insensitive)')],
  },
  {
    name: '`matches` instead of `match`',
    rollout: () => headerRouted({ name: 'testers', matches: TESTERS.match }),
    errors: [err(HEADER_STEP, 'unknown field "matches"')],
  },
  {
    name: 'a header route before the canary has pods',
    rollout: () => {
      const r = headerRouted();
      r.spec.strategy.canary.steps.splice(0, 1);
      return r;
    },
    errors: [err(`${STEPS}[0].setHeaderRoute`, 'would send matching requests to a canary with no pods: put a setWeight above 0 or a setCanaryScale step before it')],
  },
  {
    name: 'a header route after setCanaryScale pinned the canary to 0 pods',
    rollout: () => {
      const r = headerRouted();
      r.spec.strategy.canary.steps.splice(1, 0, { setCanaryScale: { replicas: 0 } });
      return r;
    },
    errors: [err(`${STEPS}[2].setHeaderRoute`, 'would send matching requests to a canary with no pods: put a setWeight above 0 or a setCanaryScale step before it')],
  },
  {
    name: 'two headers with nginx',
    rollout: () =>
      headerRouted(
        {
          name: 'testers',
          match: [
            { headerName: 'x-canary', headerValue: { exact: 'yes' } },
            { headerName: 'x-team', headerValue: { exact: 'qa' } },
          ],
        },
        nginx,
      ),
    errors: [err(`${HEADER_STEP}.match`, 'must have at most one entry with the nginx traffic router, which matches a single header (found 2)')],
  },
  {
    name: 'a second header route with nginx while the first is set',
    rollout: () => {
      const r = headerRouted(TESTERS, nginx);
      r.spec.strategy.canary.steps.splice(2, 0, { setHeaderRoute: { ...TESTERS, name: 'beta' } });
      return r;
    },
    errors: [
      err(
        `${STEPS}[2].setHeaderRoute`,
        'cannot set header route "beta" while "testers" is set: the nginx traffic router holds one header route at a time, so remove it first (a setHeaderRoute step with only its name)',
      ),
    ],
  },
];

describe('validateRollout: setHeaderRoute steps', () => {
  it.each([
    ['Gateway API with useHeaderRoutes', { gatewayAPI: { httpRoutes: [{ name: 'other' }, { name: 'shop', useHeaderRoutes: true }] } }],
    ['Istio', { istio: { virtualService: { name: 'shop' } } }],
    ['NGINX', nginx],
  ])('given a header route after setWeight 10 over %s, and its removal later, then there are no errors', (_name, routing) => {
    const r = headerRouted(TESTERS, routing);
    r.spec.strategy.canary.steps.push({ setHeaderRoute: { name: 'testers' } });
    expect(validateRollout(r)).toEqual([]);
  });

  it('given prefix and regex values and several headers over Gateway API, then there are no errors', () => {
    const route = {
      name: 'beta-users',
      match: [
        { headerName: 'x-beta', headerValue: { prefix: 'team.' } },
        { headerName: 'x-user', headerValue: { regex: '^(ann|bob)$' } },
      ],
    };
    expect(validateRollout(headerRouted(route))).toEqual([]);
  });

  it('given a removal step (name only) before any pods exist, then it is accepted: removing needs no canary', () => {
    const r = headerRouted({ name: 'testers' });
    r.spec.strategy.canary.steps.splice(0, 1);
    expect(validateRollout(r)).toEqual([]);
  });

  it('given NGINX, when one route is removed before another is set, then it is accepted', () => {
    const r = headerRouted(TESTERS, nginx);
    r.spec.strategy.canary.steps.splice(2, 0, { setHeaderRoute: { name: 'testers', match: [] } }, { setHeaderRoute: { ...TESTERS, name: 'beta' } });
    expect(validateRollout(r)).toEqual([]);
  });

  it('given a setCanaryScale of 1 replica before the header route, then it is accepted even at weight 0', () => {
    const r = headerRouted();
    r.spec.strategy.canary.steps[0] = { setCanaryScale: { replicas: 1 } };
    expect(validateRollout(r)).toEqual([]);
  });

  it('given no trafficRouting, then the step is refused for that reason (beside setCanaryScale, which needs it too)', () => {
    const r = headerRouted();
    delete r.spec.strategy.canary.trafficRouting;
    expect(validateRollout(r)).toEqual([
      err(HEADER_STEP, 'requires spec.strategy.canary.trafficRouting'),
      err(`${STEPS}[4].setCanaryScale`, 'requires spec.strategy.canary.trafficRouting'),
    ]);
  });

  it.each(headerRouteCases)('given $name, then it reports exactly that rule', ({ rollout, errors }) => {
    expect(validateRollout(rollout())).toEqual(errors);
  });
});

describe('formatFieldErrors and assertValidRollout', () => {
  it('given field errors, then each prints as "path: message" on its own line', () => {
    const r = loose(canaryRollout());
    r.spec.strategy.canary.steps[2] = { setWeight: 140 };
    r.spec.strategy.canary.steps[3] = { setWieght: 20 };
    expect(formatFieldErrors(validateRollout(r))).toBe(
      'spec.strategy.canary.steps[2].setWeight: must be between 0 and 100\n' +
        'spec.strategy.canary.steps[3]: unknown step kind "setWieght"',
    );
  });

  it('given an invalid Rollout, when asserted, then it throws an InvalidSpec VaneError carrying the field errors', () => {
    const r = loose(canaryRollout());
    r.spec.strategy.blueGreen = { activeService: 'x' };
    let thrown: unknown;
    try {
      assertValidRollout(r);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(InvalidSpecError);
    expect((thrown as VaneError).code).toBe('InvalidSpec');
    expect((thrown as InvalidSpecError).fieldErrors).toEqual([
      err('spec.strategy', 'must set only one of canary, blueGreen, found canary and blueGreen'),
    ]);
    expect(() => assertValidRollout(canaryRollout())).not.toThrow();
  });
});
