// Rollout validation: field types plus the semantic rules a structural schema cannot express.
import { FieldChecker, childPath, indexPath, isFields, type Fields } from './field-checker.js';
import { checkFieldPath } from './field-reference.js';
import { assertNoFieldErrors, type FieldError } from './field-error.js';
import { INT32_MAX } from './kube-bounds.js';
import { isEmptySelector, selectorMatches } from './label-selector.js';
import type { LabelSelector } from './meta.js';
import { withUnsupportedArgoFields } from './argo-field-gaps.js';
import { checkEphemeralMetadata } from './ephemeral-metadata-validation.js';
import { checkExperimentStep } from './experiment-step-validation.js';
import { checkContainerResources } from './quantity.js';
import { checkResourceHeader } from './resource-header.js';
import type { Rollout } from './rollout.js';
import { ROLLOUT_DEFAULTS } from './rollout-defaults.js';

const STEP_KINDS = ['setWeight', 'pause', 'analysis', 'setCanaryScale', 'setHeaderRoute', 'setMirrorRoute', 'experiment'] as const;
const EXCLUSIVE_STEP_KINDS = ['setWeight', 'pause', 'experiment', 'analysis'] as const;
const ROUTER_KINDS = ['gatewayAPI', 'istio', 'smi', 'nginx', 'alb', 'ambassador', 'apisix', 'appMesh', 'traefik'] as const;
/** Argo validation: ping-pong works with the ALB, Istio and plugin routers (Gateway API is a plugin in Argo). */
const PING_PONG_ROUTERS: readonly string[] = ['alb', 'istio', 'gatewayAPI'];
const STRATEGIES = ['canary', 'blueGreen'] as const;
const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;
const PERCENT = /^\d+%$/;
const STRING_MATCHES = ['exact', 'prefix', 'regex'] as const;
/** RFC 1123 label: the header route's name becomes part of rule and route names on the routing object. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_LABEL_MAX = 63;

/** An RFC 1123 label: lower case letters, digits and '-', at most 63 characters. */
export function isDnsLabel(name: string): boolean {
  return DNS_LABEL.test(name) && name.length <= DNS_LABEL_MAX;
}
/** An HTTP header field name (RFC 7230 token), as Gateway API's HTTPHeaderName also requires. */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
/** What git check-ref-format rejects, in the forms people actually mistype. */
const BAD_BRANCH = /(^[-/.])|([/.]$)|\.\.|\/\/|@\{|\.lock$|[\s~^:?*[\\]/;

/** Every problem with `obj` as a Rollout; empty when it is valid. */
export function validateRollout(obj: unknown): FieldError[] {
  const c = new FieldChecker();
  const spec = checkResourceHeader(c, obj, ['Rollout']);
  if (spec !== undefined) checkSpec(c, spec, 'spec');
  return withUnsupportedArgoFields('Rollout', obj, c.errors);
}

/** Throws an InvalidSpecError listing every field error unless `obj` is a valid Rollout. */
export function assertValidRollout(obj: unknown): asserts obj is Rollout {
  assertNoFieldErrors('Rollout', validateRollout(obj));
}

function checkSpec(c: FieldChecker, spec: Fields, path: string): void {
  c.integer(spec.replicas, childPath(path, 'replicas'), { min: 0 });
  // Argo docs features/workload-references.md: with workloadRef the selector may be left out (the Deployment's is used).
  const selector = spec.selector === undefined && spec.workloadRef !== undefined ? undefined : checkSelector(c, spec.selector, childPath(path, 'selector'));
  checkWorkload(c, spec, path, selector);
  const minReady = c.integer(spec.minReadySeconds, childPath(path, 'minReadySeconds'), { min: 0 });
  const historyLimit = c.integer(spec.revisionHistoryLimit, childPath(path, 'revisionHistoryLimit'), { min: 0 });
  const history = c.object(spec.analysis, childPath(path, 'analysis'));
  c.integer(history?.successfulRunHistoryLimit, childPath(path, 'analysis.successfulRunHistoryLimit'), { min: 0 });
  c.integer(history?.unsuccessfulRunHistoryLimit, childPath(path, 'analysis.unsuccessfulRunHistoryLimit'), { min: 0 });
  c.boolean(spec.paused, childPath(path, 'paused'));
  const window = c.object(spec.rollbackWindow, childPath(path, 'rollbackWindow'));
  if (window !== undefined) c.integer(window.revisions, childPath(childPath(path, 'rollbackWindow'), 'revisions'), { min: 0 });
  const restartAt = c.string(spec.restartAt, childPath(path, 'restartAt'));
  if (restartAt !== undefined && Number.isNaN(Date.parse(restartAt))) c.add(childPath(path, 'restartAt'), 'must be an RFC 3339 time, e.g. 2024-05-01T10:00:00Z');
  const deadlinePath = childPath(path, 'progressDeadlineSeconds');
  const deadline = c.integer(spec.progressDeadlineSeconds, deadlinePath, { min: 1 });
  if (deadline !== undefined && minReady !== undefined && deadline <= minReady) {
    c.add(deadlinePath, 'must be greater than minReadySeconds');
  }
  // Vane always aborts past the deadline (Argo's progressDeadlineAbort: true); Argo's default only marks it Degraded.
  const abortPath = childPath(path, 'progressDeadlineAbort');
  if (c.boolean(spec.progressDeadlineAbort, abortPath) === false) {
    c.add(abortPath, 'false is not supported: Vane always aborts a rollout that passes its progress deadline (traffic back to stable); remove the field or set it true');
  }
  checkStrategy(c, spec.strategy, childPath(path, 'strategy'), historyLimit ?? ROLLOUT_DEFAULTS.revisionHistoryLimit);
  checkEphemeralMetadata(c, spec, path, selector);
  checkRollback(c, spec.rollback, childPath(path, 'rollback'));
}

// ---- selector and workload -------------------------------------------------------------------------------

export function checkSelector(c: FieldChecker, value: unknown, path: string): LabelSelector | undefined {
  const mark = c.mark();
  const sel = c.object(value, path, { required: true });
  if (sel === undefined) return undefined;
  c.stringMap(sel.matchLabels, childPath(path, 'matchLabels'));
  const expressions = c.list(sel.matchExpressions, childPath(path, 'matchExpressions')) ?? [];
  expressions.forEach((e, i) => checkRequirement(c, e, indexPath(childPath(path, 'matchExpressions'), i)));
  if (!c.cleanSince(mark)) return undefined;
  if (!isEmptySelector(sel)) return sel as LabelSelector;
  c.add(path, 'must not be empty: a Rollout must select only its own pods');
  return undefined;
}

export function checkRequirement(c: FieldChecker, value: unknown, path: string): void {
  const req = c.object(value, path, { required: true });
  if (req === undefined) return;
  c.string(req.key, childPath(path, 'key'), { required: true });
  const operator = c.oneOf(req.operator, childPath(path, 'operator'), OPERATORS, { required: true });
  const valuesPath = childPath(path, 'values');
  const values = c.list(req.values, valuesPath) ?? [];
  values.forEach((v, i) => c.string(v, indexPath(valuesPath, i), { required: true }));
  const needsValues = operator === 'In' || operator === 'NotIn';
  if (needsValues && values.length === 0) c.add(valuesPath, `must not be empty for operator ${operator}`);
  if (!needsValues && operator !== undefined && values.length > 0) {
    c.add(valuesPath, `must be empty for operator ${operator}`);
  }
}

function checkWorkload(c: FieldChecker, spec: Fields, path: string, selector: LabelSelector | undefined): void {
  const source = c.exactlyOne(spec, path, ['template', 'workloadRef']);
  if (source === 'workloadRef') {
    checkWorkloadRef(c, spec.workloadRef, childPath(path, 'workloadRef'));
    return;
  }
  if (source !== 'template') return;
  const labels = checkPodTemplate(c, spec.template, childPath(path, 'template'));
  if (selector !== undefined && labels !== undefined && !selectorMatches(selector, labels)) {
    c.add(childPath(path, 'selector'), 'does not match spec.template.metadata.labels');
  }
}

function checkWorkloadRef(c: FieldChecker, value: unknown, path: string): void {
  const ref = c.object(value, path, { required: true });
  if (ref === undefined) return;
  c.oneOf(ref.apiVersion, childPath(path, 'apiVersion'), ['apps/v1'], { required: true });
  c.oneOf(ref.kind, childPath(path, 'kind'), ['Deployment'], { required: true });
  c.name(ref.name, childPath(path, 'name'), 'dns1123Subdomain', { required: true });
  c.oneOf(ref.scaleDown, childPath(path, 'scaleDown'), ['never', 'onsuccess', 'progressively']);
}

/** Checks the parts of the pod template Vane relies on; returns its labels when they are well formed. */
export function checkPodTemplate(c: FieldChecker, value: unknown, path: string): Record<string, string> | undefined {
  const template = c.object(value, path, { required: true });
  if (template === undefined) return undefined;
  const metadataPath = childPath(path, 'metadata');
  const metadata = c.object(template.metadata, metadataPath);
  const labels = c.stringMap(metadata?.labels, childPath(metadataPath, 'labels'));
  checkPodSpec(c, template.spec, childPath(path, 'spec'));
  return labels ?? {};
}

function checkPodSpec(c: FieldChecker, value: unknown, path: string): void {
  const spec = c.object(value, path, { required: true });
  if (spec === undefined) return;
  const containersPath = childPath(path, 'containers');
  const containers = c.list(spec.containers, containersPath, { required: true, nonEmpty: true }) ?? [];
  containers.forEach((container, i) => {
    const itemPath = indexPath(containersPath, i);
    const fields = c.object(container, itemPath, { required: true });
    c.name(fields?.name, childPath(itemPath, 'name'), 'dns1123Label', { required: true });
    c.string(fields?.image, childPath(itemPath, 'image'), { required: true });
    if (fields !== undefined) checkContainerResources(c, fields, itemPath);
  });
  c.unique(containers, containersPath, 'name');
  const initPath = childPath(path, 'initContainers');
  (c.list(spec.initContainers, initPath) ?? []).forEach((container, i) => {
    const fields = c.object(container, indexPath(initPath, i), { required: true });
    if (fields !== undefined) checkContainerResources(c, fields, indexPath(initPath, i));
  });
}

// ---- strategy ----------------------------------------------------------------------------------------------

function checkStrategy(c: FieldChecker, value: unknown, path: string, revisionHistoryLimit: number): void {
  const strategy = c.object(value, path, { required: true });
  if (strategy === undefined) return;
  if (c.unknownKeys(strategy, path, STRATEGIES, 'strategy') > 0) return;
  const kind = c.exactlyOne(strategy, path, STRATEGIES);
  if (kind === 'canary') checkCanary(c, strategy.canary, childPath(path, 'canary'));
  if (kind === 'blueGreen') checkBlueGreen(c, strategy.blueGreen, childPath(path, 'blueGreen'), revisionHistoryLimit);
}

function checkCanary(c: FieldChecker, value: unknown, path: string): void {
  const canary = c.object(value, path, { required: true });
  if (canary === undefined) return;
  const stable = c.name(canary.stableService, childPath(path, 'stableService'), 'dns1035Label');
  const canaryService = c.name(canary.canaryService, childPath(path, 'canaryService'), 'dns1035Label');
  if (stable !== undefined && stable === canaryService) {
    c.add(childPath(path, 'canaryService'), 'must differ from stableService');
  }
  checkPingPong(c, canary, path);
  const routing: StepRouting = {
    routed: canary.trafficRouting !== undefined,
    headerRoutes: headerRouteSupport(canary.trafficRouting),
    ...managedRouteSupport(canary.trafficRouting),
    ...experimentWeightSupport(canary.trafficRouting),
  };
  const stepsPath = childPath(path, 'steps');
  const steps = c.list(canary.steps, stepsPath) ?? [];
  steps.forEach((step, i) => checkStep(c, step, indexPath(stepsPath, i), routing));
  checkHeaderRouteSequence(c, steps, stepsPath, routing.headerRoutes);
  checkBackgroundAnalysis(c, canary.analysis, childPath(path, 'analysis'), steps.length);
  if (routing.routed) checkTrafficRouting(c, canary, path);
  c.integer(canary.abortScaleDownDelaySeconds, childPath(path, 'abortScaleDownDelaySeconds'), { min: 0 });
  c.integer(canary.minPodsPerReplicaSet, childPath(path, 'minPodsPerReplicaSet'), { min: 0 });
  checkSurge(c, canary, path);
  checkScaleDownDelay(c, canary, path, routing.routed);
  checkDynamicStableScale(c, canary, path, routing.routed);
}

/**
 * Argo validation: dynamicStableScale needs a router (without one the pods are the traffic and stable already
 * follows it), and not scaleDownDelaySeconds (a stable scaled down with its traffic has nothing left to wait for).
 */
function checkDynamicStableScale(c: FieldChecker, canary: Fields, path: string, routed: boolean): void {
  const fieldPath = childPath(path, 'dynamicStableScale');
  if (c.boolean(canary.dynamicStableScale, fieldPath) !== true) return;
  if (!routed) c.add(fieldPath, 'can only be used with trafficRouting');
  else if (canary.scaleDownDelaySeconds !== undefined) c.add(fieldPath, 'cannot be used with scaleDownDelaySeconds');
}

/**
 * Argo docs features/specification.md: the old stable waits out scaleDownDelaySeconds only where a router moves
 * traffic off it; without one its pods are the traffic and go as the canary comes up, so Argo refuses the field.
 */
function checkScaleDownDelay(c: FieldChecker, canary: Fields, path: string, routed: boolean): void {
  const delayPath = childPath(path, 'scaleDownDelaySeconds');
  const delay = c.integer(canary.scaleDownDelaySeconds, delayPath, { min: 0 });
  if (delay !== undefined && !routed) c.add(delayPath, 'can only be used with trafficRouting (without a router the old pods go as the canary comes up)');
  c.integer(canary.scaleDownDelayRevisionLimit, childPath(path, 'scaleDownDelayRevisionLimit'), { min: 0 });
}

function checkSurge(c: FieldChecker, canary: Fields, path: string): void {
  const surge = checkIntOrPercent(c, canary.maxSurge, childPath(path, 'maxSurge'));
  const unavailable = checkIntOrPercent(c, canary.maxUnavailable, childPath(path, 'maxUnavailable'));
  if (surge === 0 && unavailable === 0) {
    c.add(childPath(path, 'maxUnavailable'), 'must not be 0 when maxSurge is 0');
  }
}

/** An integer >= 0 or a percentage like "25%"; returns the number (percent or count) when valid. */
function checkIntOrPercent(c: FieldChecker, value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && PERCENT.test(value)) return Number.parseInt(value, 10);
  if (typeof value === 'number' && Number.isInteger(value) && value > INT32_MAX) {
    c.add(path, `must be less than or equal to ${INT32_MAX} (the largest int32)`);
    return undefined;
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  c.add(path, 'must be a non-negative integer or a percentage like "25%"');
  return undefined;
}

/** What a step may ask of the Rollout's traffic routing. */
interface StepRouting {
  routed: boolean;
  headerRoutes: HeaderRouteSupport;
  /** Why setMirrorRoute cannot work here; undefined when it can. */
  mirrorRefused?: string;
  /** trafficRouting.managedRoutes names, when the list is given. */
  managedRoutes?: string[];
  /** Why an experiment template's `weight` cannot work here; undefined when it can. */
  experimentWeightRefused?: string;
}

/** Routers that carry traffic to an experiment's Services besides stable and canary (Argo: SMI, ALB, Istio). */
const EXPERIMENT_WEIGHT_ROUTERS: readonly string[] = ['istio', 'alb', 'smi'];

/** Argo validation: an experiment template's weight needs trafficRouting, with a router that can add destinations. */
function experimentWeightSupport(value: unknown): Pick<StepRouting, 'experimentWeightRefused'> {
  if (value === undefined || value === null) return { experimentWeightRefused: 'cannot be set unless spec.strategy.canary.trafficRouting is set (Argo docs features/experiment.md)' };
  if (!isFields(value)) return {};
  const refused = ROUTER_KINDS.find((k) => value[k] !== undefined && !EXPERIMENT_WEIGHT_ROUTERS.includes(k));
  if (refused === undefined) return {};
  return { experimentWeightRefused: `is not supported by the ${refused} traffic router: it cannot send traffic to an experiment's Services (supported: istio, alb, smi)` };
}

function checkStep(c: FieldChecker, value: unknown, path: string, routing: StepRouting): void {
  const step = c.object(value, path, { required: true });
  if (step === undefined) return;
  if (c.unknownKeys(step, path, STEP_KINDS, 'step kind') > 0) return;
  const kinds = STEP_KINDS.filter((k) => step[k] !== undefined);
  if (kinds.length === 0) c.add(path, `must set one of ${STEP_KINDS.join(', ')}`);
  checkStepCombination(c, step, path);
  for (const kind of kinds) checkStepField(c, step, kind, path, routing);
}

/**
 * Argo validation (hasMultipleStepsType) forbids only two of setWeight, pause, experiment and analysis in one step;
 * setCanaryScale, setHeaderRoute and setMirrorRoute may sit beside one of them.
 */
function checkStepCombination(c: FieldChecker, step: Fields, path: string): void {
  const exclusive = EXCLUSIVE_STEP_KINDS.filter((k) => step[k] !== undefined);
  if (exclusive.length > 1) {
    c.add(path, `must set only one of ${EXCLUSIVE_STEP_KINDS.join(', ')}, found ${exclusive.join(' and ')} (setCanaryScale, setHeaderRoute and setMirrorRoute may sit beside one of them)`);
  }
  // Argo accepts it but waits for the scale alone and cancels the run once the step moves on: a gate that never gates.
  const gate = ['analysis', 'experiment'].find((k) => step[k] !== undefined);
  if (step.setCanaryScale !== undefined && gate !== undefined) {
    c.add(path, `setCanaryScale beside ${gate} is not supported by Vane (Argo waits for the scale only and cancels the ${gate} when the step ends); put them in separate steps`);
  }
}

function checkStepField(c: FieldChecker, step: Fields, kind: (typeof STEP_KINDS)[number], path: string, routing: StepRouting): void {
  const kindPath = childPath(path, kind);
  switch (kind) {
    case 'setWeight':
      c.integer(step.setWeight, kindPath, { required: true, min: 0, max: 100 });
      return;
    case 'pause':
      checkPause(c, step.pause, kindPath);
      return;
    case 'analysis':
      checkAnalysis(c, step.analysis, kindPath);
      return;
    case 'setCanaryScale':
      checkSetCanaryScale(c, step.setCanaryScale, kindPath, routing.routed);
      return;
    case 'setHeaderRoute':
      checkSetHeaderRoute(c, step.setHeaderRoute, kindPath, routing.headerRoutes);
      checkManagedName(c, step.setHeaderRoute, kindPath, routing, false);
      return;
    case 'setMirrorRoute':
      checkSetMirrorRoute(c, step.setMirrorRoute, kindPath, routing);
      return;
    case 'experiment':
      checkExperimentStep(c, step.experiment, kindPath, checkAnalysisArgument, routing.experimentWeightRefused);
  }
}

function checkPause(c: FieldChecker, value: unknown, path: string): void {
  if (value === null) {
    c.add(path, 'must be an object: write `pause: {}` to wait for a person');
    return;
  }
  const pause = c.object(value, path, { required: true });
  if (pause === undefined) return;
  c.duration(pause.duration, childPath(path, 'duration'));
}

function checkSetCanaryScale(c: FieldChecker, value: unknown, path: string, routed: boolean): void {
  const scale = c.object(value, path, { required: true });
  if (scale === undefined) return;
  if (!routed) c.add(path, 'requires spec.strategy.canary.trafficRouting');
  c.exactlyOne(scale, path, ['replicas', 'weight', 'matchTrafficWeight']);
  c.integer(scale.replicas, childPath(path, 'replicas'), { min: 0 });
  c.integer(scale.weight, childPath(path, 'weight'), { min: 0, max: 100 });
  c.boolean(scale.matchTrafficWeight, childPath(path, 'matchTrafficWeight'));
}

// ---- managed and mirror routes ---------------------------------------------------------------------------

/** Argo validation: setMirrorRoute needs Istio; both route steps name a route of managedRoutes (mirror always). */
function managedRouteSupport(value: unknown): Pick<StepRouting, 'mirrorRefused' | 'managedRoutes'> {
  if (!isFields(value)) return { mirrorRefused: 'requires spec.strategy.canary.trafficRouting with istio' };
  const managed = Array.isArray(value.managedRoutes) ? value.managedRoutes.flatMap((r) => (isFields(r) && typeof r.name === 'string' ? [r.name] : [])) : undefined;
  const mirrorRefused = value.istio === undefined ? 'is supported only with the istio traffic router (Argo docs: traffic mirroring)' : undefined;
  return { ...(mirrorRefused ? { mirrorRefused } : {}), ...(managed ? { managedRoutes: managed } : {}) };
}

function checkManagedName(c: FieldChecker, step: unknown, path: string, routing: StepRouting, required: boolean): void {
  if (!isFields(step) || typeof step.name !== 'string' || !routing.routed) return;
  if (routing.managedRoutes === undefined) {
    if (required) c.add(path, 'requires spec.strategy.canary.trafficRouting.managedRoutes listing its name');
    return;
  }
  if (!routing.managedRoutes.includes(step.name)) c.add(childPath(path, 'name'), `${JSON.stringify(step.name)} is not listed in spec.strategy.canary.trafficRouting.managedRoutes`);
}

function checkSetMirrorRoute(c: FieldChecker, value: unknown, path: string, routing: StepRouting): void {
  const step = c.object(value, path, { required: true });
  if (step === undefined) return;
  if (routing.mirrorRefused !== undefined) c.add(path, routing.mirrorRefused);
  c.unknownKeys(step, path, ['name', 'match', 'percentage'], 'field');
  c.string(step.name, childPath(path, 'name'), { required: true });
  c.integer(step.percentage, childPath(path, 'percentage'), { min: 0, max: 100 });
  const matchPath = childPath(path, 'match');
  const matches = c.list(step.match, matchPath) ?? [];
  matches.forEach((m, i) => checkRouteMatch(c, m, indexPath(matchPath, i)));
  checkManagedName(c, step, path, routing, true);
}

function checkRouteMatch(c: FieldChecker, value: unknown, path: string): void {
  const match = c.object(value, path, { required: true });
  if (match === undefined) return;
  if (c.unknownKeys(match, path, ['method', 'path', 'headers'], 'match condition') > 0) return;
  if (match.method === undefined && match.path === undefined && match.headers === undefined) c.add(path, 'must set at least one of method, path, headers');
  for (const key of ['method', 'path']) if (match[key] !== undefined) checkStringMatch(c, match[key], childPath(path, key));
  const headersPath = childPath(path, 'headers');
  const headers = c.object(match.headers, headersPath);
  for (const [name, headerValue] of Object.entries(headers ?? {})) {
    if (!HEADER_NAME.test(name)) c.add(headersPath, `${JSON.stringify(name)} is not an HTTP header name`);
    checkStringMatch(c, headerValue, childPath(headersPath, name));
  }
}

function checkStringMatch(c: FieldChecker, value: unknown, path: string): void {
  const match = c.object(value, path, { required: true });
  if (match === undefined) return;
  const kind = c.exactlyOne(match, path, STRING_MATCHES);
  if (kind !== undefined) c.string(match[kind], childPath(path, kind));
}

function checkManagedRoutes(c: FieldChecker, value: unknown, path: string): void {
  const routes = c.list(value, path) ?? [];
  routes.forEach((route, i) => {
    const fields = c.object(route, indexPath(path, i), { required: true });
    c.string(fields?.name, childPath(indexPath(path, i), 'name'), { required: true });
  });
  c.unique(routes, path, 'name');
}

// ---- header routes ---------------------------------------------------------------------------------------

/**
 * Whether the configured router can route by header: `refused` says why not (undefined when it can, or when the
 * routing is malformed and already reported); NGINX's canary Ingress holds one header and one route at a time.
 */
interface HeaderRouteSupport {
  refused?: string;
  singleRoute: boolean;
  /** ALB conditions hold literal header values only (Argo docs features/traffic-management/alb.md, validation: "ALB supports 'exact' value only"). */
  exactOnly?: boolean;
}

function headerRouteSupport(value: unknown): HeaderRouteSupport {
  if (value === undefined || value === null) return { refused: 'requires spec.strategy.canary.trafficRouting', singleRoute: false };
  if (!isFields(value)) return { singleRoute: false };
  const kinds = ROUTER_KINDS.filter((k) => value[k] !== undefined);
  if (kinds.length === 0) return { singleRoute: false };
  // With several routers the route goes to those that can match headers (Argo: Istio, ALB, APISIX or a plugin among them).
  const refusals = kinds.map((k) => headerRouteRefusal(k, value));
  const supported = kinds.filter((_k, i) => refusals[i] === undefined);
  const support: HeaderRouteSupport = { singleRoute: supported.includes('nginx') };
  if (supported.includes('alb')) support.exactOnly = true;
  if (supported.length === 0) support.refused = kinds.length === 1 ? (refusals[0] ?? '') : `is not supported by any of the traffic routers: ${refusals.join('; ')}`;
  return support;
}

/** Why router `kind` cannot route by header; undefined when it can (Argo docs features/traffic-management). */
function headerRouteRefusal(kind: (typeof ROUTER_KINDS)[number], routing: Fields): string | undefined {
  if (kind === 'smi') return 'is not supported by the smi traffic router: an SMI TrafficSplit cannot match headers';
  if (kind === 'appMesh') return 'is not supported by the appMesh traffic router: App Mesh routes are only weighted here, not matched by header';
  if (kind === 'traefik') return 'is not supported by the traefik traffic router: a weighted TraefikService cannot match headers';
  if (kind === 'ambassador') return 'is not supported by the ambassador traffic router: a canary Mapping splits by weight only';
  if (kind === 'gatewayAPI' && !hasHeaderRoutedHTTPRoute(routing.gatewayAPI)) {
    return 'requires an httpRoute with useHeaderRoutes: true in spec.strategy.canary.trafficRouting.gatewayAPI';
  }
  return undefined;
}

function hasHeaderRoutedHTTPRoute(gateway: unknown): boolean {
  if (!isFields(gateway) || !Array.isArray(gateway.httpRoutes)) return true; // malformed: reported elsewhere
  return gateway.httpRoutes.some((route) => isFields(route) && route.useHeaderRoutes === true);
}

function checkSetHeaderRoute(c: FieldChecker, value: unknown, path: string, support: HeaderRouteSupport): void {
  const step = c.object(value, path, { required: true });
  if (step === undefined) return;
  if (support.refused !== undefined) c.add(path, support.refused);
  // A misspelt `match` would otherwise turn the step into a removal without a word.
  c.unknownKeys(step, path, ['name', 'match'], 'field');
  const namePath = childPath(path, 'name');
  const name = c.string(step.name, namePath, { required: true });
  if (name !== undefined && !isDnsLabel(name)) {
    c.add(namePath, `must be a DNS label (lower case letters, digits and '-', at most ${DNS_LABEL_MAX} characters), got ${JSON.stringify(name)}`);
  }
  const matchPath = childPath(path, 'match');
  const matches = c.list(step.match, matchPath) ?? [];
  matches.forEach((m, i) => checkHeaderMatch(c, m, indexPath(matchPath, i), support.exactOnly === true));
  if (support.singleRoute && matches.length > 1) c.add(matchPath, `must have at most one entry with the nginx traffic router, which matches a single header (found ${matches.length})`);
  uniqueHeaderNames(c, matches, matchPath);
}

function checkHeaderMatch(c: FieldChecker, value: unknown, path: string, exactOnly: boolean): void {
  const match = c.object(value, path, { required: true });
  if (match === undefined) return;
  const namePath = childPath(path, 'headerName');
  const headerName = c.string(match.headerName, namePath, { required: true });
  if (headerName !== undefined && !HEADER_NAME.test(headerName)) c.add(namePath, `must be an HTTP header name (letters, digits and !#$%&'*+-.^_\`|~), got ${JSON.stringify(headerName)}`);
  const valuePath = childPath(path, 'headerValue');
  const headerValue = c.object(match.headerValue, valuePath, { required: true });
  if (headerValue === undefined) return;
  const kind = c.exactlyOne(headerValue, valuePath, STRING_MATCHES);
  if (kind !== undefined) c.string(headerValue[kind], childPath(valuePath, kind));
  if (exactOnly && kind !== undefined && kind !== 'exact') c.add(childPath(valuePath, kind), 'is not supported by the alb traffic router, whose conditions match exact header values only (use exact; ALB treats * and ? in it as wildcards)');
}

/** Header names are case-insensitive: two entries for one header would contradict each other. */
function uniqueHeaderNames(c: FieldChecker, matches: readonly unknown[], path: string): void {
  const seen = new Set<string>();
  matches.forEach((m, i) => {
    const headerName = isFields(m) ? m.headerName : undefined;
    if (typeof headerName !== 'string') return;
    const key = headerName.toLowerCase();
    if (seen.has(key)) c.add(childPath(indexPath(path, i), 'headerName'), `duplicate header ${JSON.stringify(headerName)} (header names are case-insensitive)`);
    seen.add(key);
  });
}

/**
 * Walks the steps in order: a header route must not send requests to a canary that has no pods yet, and NGINX
 * must have removed its one header route before another name is set.
 */
function checkHeaderRouteSequence(c: FieldChecker, steps: readonly unknown[], stepsPath: string, support: HeaderRouteSupport): void {
  let weight = 0;
  let pinned: number | undefined;
  let active: string | undefined;
  steps.forEach((step, i) => {
    if (!isFields(step)) return;
    if (typeof step.setWeight === 'number') weight = step.setWeight;
    if (isFields(step.setCanaryScale)) pinned = pinnedCanaryScale(step.setCanaryScale);
    const route = step.setHeaderRoute;
    if (!isFields(route) || typeof route.name !== 'string') return;
    const path = childPath(indexPath(stepsPath, i), 'setHeaderRoute');
    const sets = Array.isArray(route.match) && route.match.length > 0;
    if (!sets) {
      if (active === route.name) active = undefined;
      return;
    }
    if ((pinned ?? weight) <= 0) {
      c.add(path, 'would send matching requests to a canary with no pods: put a setWeight above 0 or a setCanaryScale step before it');
    }
    if (support.singleRoute && active !== undefined && active !== route.name) {
      c.add(path, `cannot set header route ${JSON.stringify(route.name)} while ${JSON.stringify(active)} is set: the nginx traffic router holds one header route at a time, so remove it first (a setHeaderRoute step with only its name)`);
    }
    active = route.name;
  });
}

/** The canary size a setCanaryScale step pins (replicas, or a weight of them); undefined when it follows the weight. */
function pinnedCanaryScale(scale: Fields): number | undefined {
  if (scale.matchTrafficWeight === true) return undefined;
  if (typeof scale.replicas === 'number') return scale.replicas;
  if (typeof scale.weight === 'number') return scale.weight;
  return undefined;
}

function checkBackgroundAnalysis(c: FieldChecker, value: unknown, path: string, stepCount: number): void {
  const analysis = checkAnalysis(c, value, path);
  if (analysis === undefined) return;
  const startPath = childPath(path, 'startingStep');
  const start = c.integer(analysis.startingStep, startPath, { min: 0 });
  // As in Argo Rollouts, startingStep may equal the number of steps: the run then starts after the last step.
  if (start !== undefined && start > stepCount) {
    c.add(startPath, `must be at most the number of steps (${stepCount}); at ${stepCount} the run starts after the last step`);
  }
}

/** Checks an analysis reference (step, background, pre/post promotion); returns it for further checks. */
function checkAnalysis(c: FieldChecker, value: unknown, path: string): Fields | undefined {
  const analysis = c.object(value, path);
  if (analysis === undefined) return undefined;
  const templatesPath = childPath(path, 'templates');
  const templates = c.list(analysis.templates, templatesPath, { required: true, nonEmpty: true }) ?? [];
  templates.forEach((t, i) => checkTemplateRef(c, t, indexPath(templatesPath, i)));
  const argsPath = childPath(path, 'args');
  const args = c.list(analysis.args, argsPath) ?? [];
  args.forEach((a, i) => checkAnalysisArgument(c, a, indexPath(argsPath, i)));
  c.unique(args, argsPath, 'name');
  checkMetricNameRules(c, analysis.dryRun, childPath(path, 'dryRun'), false);
  checkMetricNameRules(c, analysis.measurementRetention, childPath(path, 'measurementRetention'), true);
  const metadata = c.object(analysis.analysisRunMetadata, childPath(path, 'analysisRunMetadata'));
  c.stringMap(metadata?.labels, childPath(path, 'analysisRunMetadata.labels'));
  c.stringMap(metadata?.annotations, childPath(path, 'analysisRunMetadata.annotations'));
  return analysis;
}

/** dryRun / measurementRetention rules; whether a pattern matches a metric is known only once the run is built. */
function checkMetricNameRules(c: FieldChecker, value: unknown, path: string, withLimit: boolean): void {
  const rules = c.list(value, path) ?? [];
  rules.forEach((item, i) => {
    const rule = c.object(item, indexPath(path, i), { required: true });
    if (rule === undefined) return;
    c.string(rule.metricName, childPath(indexPath(path, i), 'metricName'), { required: true });
    if (withLimit) c.integer(rule.limit, childPath(indexPath(path, i), 'limit'), { required: true, min: 0 });
  });
  c.unique(rules, path, 'metricName');
}

function checkTemplateRef(c: FieldChecker, value: unknown, path: string): void {
  const ref = c.object(value, path, { required: true });
  if (ref === undefined) return;
  c.name(ref.templateName, childPath(path, 'templateName'), 'dns1123Subdomain', { required: true });
  c.boolean(ref.clusterScope, childPath(path, 'clusterScope'));
}

function checkAnalysisArgument(c: FieldChecker, value: unknown, path: string): void {
  const arg = c.object(value, path, { required: true });
  if (arg === undefined) return;
  c.string(arg.name, childPath(path, 'name'), { required: true });
  const source = c.exactlyOne(arg, path, ['value', 'valueFrom']);
  if (source === 'value') c.string(arg.value, childPath(path, 'value'));
  if (source !== 'valueFrom') return;
  const fromPath = childPath(path, 'valueFrom');
  const from = c.object(arg.valueFrom, fromPath, { required: true });
  if (from === undefined) return;
  const kind = c.exactlyOne(from, fromPath, ['podTemplateHashValue', 'fieldRef']);
  if (kind === 'podTemplateHashValue') {
    c.oneOf(from.podTemplateHashValue, childPath(fromPath, kind), ['Stable', 'Latest'], { required: true });
  }
  if (kind === 'fieldRef') {
    const ref = c.object(from.fieldRef, childPath(fromPath, kind), { required: true });
    checkFieldPath(c, ref?.fieldPath, childPath(fromPath, 'fieldRef.fieldPath'));
  }
}

// ---- traffic routing ---------------------------------------------------------------------------------------

/**
 * A router splits traffic between two Services, so both are required, except (Argo validation) with ping-pong,
 * whose two Services take the roles, and Istio with destinationRule subsets, which split one Service by pod hash.
 * SMI's rootService is the apex clients call, not a backend: it may equal stableService (Argo's default) but never
 * the canary.
 */
function checkTrafficRouting(c: FieldChecker, canary: Fields, canaryPath: string): void {
  const path = childPath(canaryPath, 'trafficRouting');
  if (needsStableAndCanaryServices(canary)) {
    for (const service of ['stableService', 'canaryService']) {
      if (canary[service] === undefined) c.add(childPath(canaryPath, service), 'is required when trafficRouting is set (except with pingPong or istio.destinationRule)');
    }
  }
  const routing = c.object(canary.trafficRouting, path, { required: true });
  if (routing === undefined) return;
  if (c.unknownKeys(routing, path, [...ROUTER_KINDS, 'managedRoutes'], 'traffic router') > 0) return;
  checkManagedRoutes(c, routing.managedRoutes, childPath(path, 'managedRoutes'));
  // Argo drives every provider trafficRouting names (e.g. SMI with NGINX, Istio with ALB), so several are accepted.
  const kinds = ROUTER_KINDS.filter((k) => routing[k] !== undefined);
  if (kinds.length === 0) c.add(path, `must set one of ${ROUTER_KINDS.join(', ')}`);
  for (const kind of kinds) checkRouter(c, canary, routing, kind, childPath(path, kind));
}

function checkRouter(c: FieldChecker, canary: Fields, routing: Fields, kind: (typeof ROUTER_KINDS)[number], kindPath: string): void {
  if (kind === 'gatewayAPI') checkGatewayAPI(c, routing.gatewayAPI, kindPath);
  if (kind === 'istio') checkIstio(c, routing.istio, kindPath);
  if (kind === 'smi') checkSmi(c, routing.smi, kindPath, canary.canaryService);
  if (kind === 'nginx') checkNginx(c, routing.nginx, kindPath);
  if (kind === 'apisix') checkApisix(c, routing.apisix, kindPath);
  if (kind === 'appMesh') checkAppMesh(c, routing.appMesh, kindPath);
  if (kind === 'traefik') checkTraefik(c, routing.traefik, kindPath);
  if (kind === 'alb') checkAlb(c, routing.alb, kindPath, canary.canaryService);
  if (kind === 'ambassador') checkAmbassador(c, routing.ambassador, kindPath);
}

function needsStableAndCanaryServices(canary: Fields): boolean {
  if (canary.pingPong !== undefined) return false;
  const routing = canary.trafficRouting;
  if (!isFields(routing)) return true;
  const istioSubsets = isFields(routing.istio) && routing.istio.destinationRule !== undefined;
  return !istioSubsets || ROUTER_KINDS.some((k) => k !== 'istio' && routing[k] !== undefined);
}

/** Argo docs (ping-pong): two distinct Services, and a router that can take its Service names from them. */
function checkPingPong(c: FieldChecker, canary: Fields, canaryPath: string): void {
  const path = childPath(canaryPath, 'pingPong');
  const pingPong = c.object(canary.pingPong, path);
  if (pingPong === undefined) return;
  const ping = c.name(pingPong.pingService, childPath(path, 'pingService'), 'dns1035Label', { required: true });
  const pong = c.name(pingPong.pongService, childPath(path, 'pongService'), 'dns1035Label', { required: true });
  if (ping !== undefined && ping === pong) c.add(childPath(path, 'pongService'), 'must differ from pingService');
  const routing = canary.trafficRouting;
  if (!isFields(routing)) {
    c.add(path, 'requires spec.strategy.canary.trafficRouting: ping-pong swaps the Services a traffic router splits between');
    return;
  }
  const unsupported = ROUTER_KINDS.filter((k) => routing[k] !== undefined && !PING_PONG_ROUTERS.includes(k));
  for (const kind of unsupported) c.add(path, `is not supported with the ${kind} traffic router (ping-pong works with the ALB, Istio and Gateway API routers)`);
}

function checkGatewayAPI(c: FieldChecker, value: unknown, path: string): void {
  const gateway = c.object(value, path, { required: true });
  if (gateway === undefined) return;
  const routesPath = childPath(path, 'httpRoutes');
  const routes = c.list(gateway.httpRoutes, routesPath, { required: true, nonEmpty: true }) ?? [];
  routes.forEach((route, i) => {
    const routePath = indexPath(routesPath, i);
    const fields = c.object(route, routePath, { required: true });
    if (fields === undefined) return;
    c.name(fields.name, childPath(routePath, 'name'), 'dns1123Subdomain', { required: true });
    checkStringList(c, fields.rules, childPath(routePath, 'rules'));
    c.boolean(fields.useHeaderRoutes, childPath(routePath, 'useHeaderRoutes'));
  });
  c.unique(routes, routesPath, 'name');
}

function checkIstio(c: FieldChecker, value: unknown, path: string): void {
  const istio = c.object(value, path, { required: true });
  if (istio === undefined) return;
  const kind = c.exactlyOne(istio, path, ['virtualService', 'virtualServices']);
  if (kind === 'virtualService') checkVirtualService(c, istio.virtualService, childPath(path, kind));
  if (kind === 'virtualServices') {
    const listPath = childPath(path, kind);
    const list = c.list(istio.virtualServices, listPath, { required: true, nonEmpty: true }) ?? [];
    list.forEach((vs, i) => checkVirtualService(c, vs, indexPath(listPath, i)));
    c.unique(list, listPath, 'name');
  }
  checkDestinationRule(c, istio.destinationRule, childPath(path, 'destinationRule'));
}

function checkVirtualService(c: FieldChecker, value: unknown, path: string): void {
  const vs = c.object(value, path, { required: true });
  if (vs === undefined) return;
  c.name(vs.name, childPath(path, 'name'), 'dns1123Subdomain', { required: true });
  checkStringList(c, vs.routes, childPath(path, 'routes'));
  for (const kind of ['tlsRoutes', 'tcpRoutes'] as const) {
    const listPath = childPath(path, kind);
    (c.list(vs[kind], listPath) ?? []).forEach((route, i) => {
      const routePath = indexPath(listPath, i);
      const fields = c.object(route, routePath, { required: true });
      if (fields === undefined) return;
      c.unknownKeys(fields, routePath, kind === 'tlsRoutes' ? ['port', 'sniHosts'] : ['port'], 'field');
      c.integer(fields.port, childPath(routePath, 'port'), { min: 0, max: 65535 });
      if (kind === 'tlsRoutes') checkStringList(c, fields.sniHosts, childPath(routePath, 'sniHosts'));
    });
  }
}

function checkDestinationRule(c: FieldChecker, value: unknown, path: string): void {
  const rule = c.object(value, path);
  if (rule === undefined) return;
  c.name(rule.name, childPath(path, 'name'), 'dns1123Subdomain', { required: true });
  const canary = c.string(rule.canarySubsetName, childPath(path, 'canarySubsetName'), { required: true });
  const stable = c.string(rule.stableSubsetName, childPath(path, 'stableSubsetName'), { required: true });
  if (canary !== undefined && canary === stable) {
    c.add(childPath(path, 'canarySubsetName'), 'must differ from stableSubsetName');
  }
  const additionalPath = childPath(path, 'additionalSubsetNames');
  checkStringList(c, rule.additionalSubsetNames, additionalPath);
  const additional = Array.isArray(rule.additionalSubsetNames) ? rule.additionalSubsetNames : [];
  for (const managed of [stable, canary]) {
    if (managed !== undefined && additional.includes(managed)) c.add(additionalPath, `must not name ${JSON.stringify(managed)}: Vane sets the weights of the stable and canary subsets`);
  }
}

function checkSmi(c: FieldChecker, value: unknown, path: string, canaryService: unknown): void {
  const smi = c.object(value, path, { required: true });
  if (smi === undefined) return;
  const root = c.name(smi.rootService, childPath(path, 'rootService'), 'dns1035Label');
  c.name(smi.trafficSplitName, childPath(path, 'trafficSplitName'), 'dns1123Subdomain');
  if (root !== undefined && root === canaryService) {
    c.add(childPath(path, 'rootService'), 'must differ from canaryService');
  }
}

function checkNginx(c: FieldChecker, value: unknown, path: string): void {
  const nginx = c.object(value, path, { required: true });
  if (nginx === undefined) return;
  // Argo docs nginx.md: "Either stableIngress or stableIngresses must be configured, but not both."
  const kind = c.exactlyOne(nginx, path, ['stableIngress', 'stableIngresses']);
  if (kind === 'stableIngress') c.name(nginx.stableIngress, childPath(path, kind), 'dns1123Subdomain', { required: true });
  if (kind === 'stableIngresses') {
    const listPath = childPath(path, kind);
    const list = c.list(nginx.stableIngresses, listPath, { required: true, nonEmpty: true }) ?? [];
    list.forEach((name, i) => c.name(name, indexPath(listPath, i), 'dns1123Subdomain', { required: true }));
    if (new Set(list).size < list.length) c.add(listPath, 'must not name an Ingress twice');
  }
  c.string(nginx.annotationPrefix, childPath(path, 'annotationPrefix'));
  c.stringMap(nginx.additionalIngressAnnotations, childPath(path, 'additionalIngressAnnotations'));
  c.stringMap(nginx.canaryIngressAnnotations, childPath(path, 'canaryIngressAnnotations'));
}

function checkApisix(c: FieldChecker, value: unknown, path: string): void {
  const apisix = c.object(value, path, { required: true });
  if (apisix === undefined) return;
  const routePath = childPath(path, 'route');
  const route = c.object(apisix.route, routePath, { required: true });
  if (route === undefined) return;
  c.name(route.name, childPath(routePath, 'name'), 'dns1123Subdomain', { required: true });
  checkStringList(c, route.rules, childPath(routePath, 'rules'));
}

function checkAppMesh(c: FieldChecker, value: unknown, path: string): void {
  const mesh = c.object(value, path, { required: true });
  if (mesh === undefined) return;
  const vsPath = childPath(path, 'virtualService');
  const vs = c.object(mesh.virtualService, vsPath, { required: true });
  if (vs !== undefined) {
    c.name(vs.name, childPath(vsPath, 'name'), 'dns1123Subdomain', { required: true });
    checkStringList(c, vs.routes, childPath(vsPath, 'routes'));
  }
  const groupPath = childPath(path, 'virtualNodeGroup');
  const group = c.object(mesh.virtualNodeGroup, groupPath, { required: true });
  if (group === undefined) return;
  const names = ['canaryVirtualNodeRef', 'stableVirtualNodeRef'].map((ref) => {
    const refPath = childPath(groupPath, ref);
    const node = c.object(group[ref], refPath, { required: true });
    return node === undefined ? undefined : c.name(node.name, childPath(refPath, 'name'), 'dns1123Subdomain', { required: true });
  });
  if (names[0] !== undefined && names[0] === names[1]) c.add(childPath(groupPath, 'canaryVirtualNodeRef.name'), 'must differ from stableVirtualNodeRef.name');
}

function checkTraefik(c: FieldChecker, value: unknown, path: string): void {
  const traefik = c.object(value, path, { required: true });
  if (traefik === undefined) return;
  c.name(traefik.weightedTraefikServiceName, childPath(path, 'weightedTraefikServiceName'), 'dns1123Subdomain', { required: true });
}

/** Argo docs features/traffic-management/alb.md: one Ingress (`ingress`) or several (`ingresses`), never both. */
function checkAlb(c: FieldChecker, value: unknown, path: string, canaryService: unknown): void {
  const alb = c.object(value, path, { required: true });
  if (alb === undefined) return;
  const which = c.exactlyOne(alb, path, ['ingress', 'ingresses']);
  if (which === 'ingress') c.name(alb.ingress, childPath(path, 'ingress'), 'dns1123Subdomain', { required: true });
  if (which === 'ingresses') {
    const listPath = childPath(path, 'ingresses');
    const list = c.list(alb.ingresses, listPath, { required: true, nonEmpty: true }) ?? [];
    list.forEach((name, i) => c.name(name, indexPath(listPath, i), 'dns1123Subdomain', { required: true }));
    uniqueStrings(c, list, listPath);
  }
  c.integer(alb.servicePort, childPath(path, 'servicePort'), { min: 1, max: 65535, required: true });
  const root = c.name(alb.rootService, childPath(path, 'rootService'), 'dns1035Label');
  if (root !== undefined && root === canaryService) c.add(childPath(path, 'rootService'), 'must differ from canaryService');
  c.string(alb.annotationPrefix, childPath(path, 'annotationPrefix'));
  checkStickiness(c, alb.stickinessConfig, childPath(path, 'stickinessConfig'));
}

/** The range AWS accepts for a target group stickiness duration (TargetGroupStickinessConfig: 1 s to 7 days). */
function checkStickiness(c: FieldChecker, value: unknown, path: string): void {
  const stickiness = c.object(value, path);
  if (stickiness === undefined) return;
  const enabled = c.boolean(stickiness.enabled, childPath(path, 'enabled'), { required: true });
  const seconds = c.integer(stickiness.durationSeconds, childPath(path, 'durationSeconds'), { required: true });
  if (enabled === true && seconds !== undefined && (seconds < 1 || seconds > 604800)) {
    c.add(childPath(path, 'durationSeconds'), `must be between 1 and 604800 seconds (7 days) when stickiness is enabled, got ${seconds}`);
  }
}

function checkAmbassador(c: FieldChecker, value: unknown, path: string): void {
  const ambassador = c.object(value, path, { required: true });
  if (ambassador === undefined) return;
  const listPath = childPath(path, 'mappings');
  const list = c.list(ambassador.mappings, listPath, { required: true, nonEmpty: true }) ?? [];
  list.forEach((name, i) => c.name(name, indexPath(listPath, i), 'dns1123Subdomain', { required: true }));
  uniqueStrings(c, list, listPath);
}

function uniqueStrings(c: FieldChecker, list: readonly unknown[], path: string): void {
  const seen = new Set<unknown>();
  list.forEach((item, i) => {
    if (typeof item === 'string' && seen.has(item)) c.add(indexPath(path, i), `duplicate ${JSON.stringify(item)}`);
    seen.add(item);
  });
}

function checkStringList(c: FieldChecker, value: unknown, path: string): void {
  const list = c.list(value, path) ?? [];
  list.forEach((item, i) => c.string(item, indexPath(path, i), { required: true }));
}

// ---- blue-green ----------------------------------------------------------------------------------------------

function checkBlueGreen(c: FieldChecker, value: unknown, path: string, revisionHistoryLimit: number): void {
  const bg = c.object(value, path, { required: true });
  if (bg === undefined) return;
  const active = c.name(bg.activeService, childPath(path, 'activeService'), 'dns1035Label', { required: true });
  const preview = c.name(bg.previewService, childPath(path, 'previewService'), 'dns1035Label');
  if (active !== undefined && active === preview) {
    c.add(childPath(path, 'previewService'), 'must differ from activeService');
  }
  c.integer(bg.previewReplicaCount, childPath(path, 'previewReplicaCount'), { min: 1 });
  const auto = c.boolean(bg.autoPromotionEnabled, childPath(path, 'autoPromotionEnabled'));
  const secondsPath = childPath(path, 'autoPromotionSeconds');
  const seconds = c.integer(bg.autoPromotionSeconds, secondsPath, { min: 0 });
  if (auto === false && seconds !== undefined) c.add(secondsPath, 'must not be set when autoPromotionEnabled is false');
  checkAnalysis(c, bg.prePromotionAnalysis, childPath(path, 'prePromotionAnalysis'));
  checkAnalysis(c, bg.postPromotionAnalysis, childPath(path, 'postPromotionAnalysis'));
  c.integer(bg.scaleDownDelaySeconds, childPath(path, 'scaleDownDelaySeconds'), { min: 0 });
  checkRevisionLimit(c, bg.scaleDownDelayRevisionLimit, childPath(path, 'scaleDownDelayRevisionLimit'), revisionHistoryLimit);
  checkIntOrPercent(c, bg.maxUnavailable, childPath(path, 'maxUnavailable'));
  c.integer(bg.abortScaleDownDelaySeconds, childPath(path, 'abortScaleDownDelaySeconds'), { min: 0 });
}

/** Argo validation: a blue-green revision waiting for its scale-down is history too, so no more may wait than are kept. */
function checkRevisionLimit(c: FieldChecker, value: unknown, path: string, revisionHistoryLimit: number): void {
  const limit = c.integer(value, path, { min: 0 });
  if (limit !== undefined && limit > revisionHistoryLimit) c.add(path, `must not exceed revisionHistoryLimit (${revisionHistoryLimit})`);
}

// ---- rollback ------------------------------------------------------------------------------------------------

function checkRollback(c: FieldChecker, value: unknown, path: string): void {
  const rollback = c.object(value, path);
  if (rollback === undefined) return;
  c.boolean(rollback.gitRevert, childPath(path, 'gitRevert'));
  const gitPath = childPath(path, 'git');
  const git = c.object(rollback.git, gitPath);
  if (git === undefined) return;
  const repoURL = c.string(git.repoURL, childPath(gitPath, 'repoURL'));
  checkRepoUrl(c, repoURL, childPath(gitPath, 'repoURL'));
  const branch = c.string(git.branch, childPath(gitPath, 'branch'));
  if (branch !== undefined && BAD_BRANCH.test(branch)) c.add(childPath(gitPath, 'branch'), 'is not a valid git branch name');
  checkRepoPath(c, git.path, childPath(gitPath, 'path'));
  const secretRef = c.object(git.secretRef, childPath(gitPath, 'secretRef'));
  if (secretRef !== undefined) c.name(secretRef.name, childPath(gitPath, 'secretRef.name'), 'dns1123Subdomain', { required: true });
  c.oneOf(git.push, childPath(gitPath, 'push'), ['direct', 'branch']);
}

/** What git would take for an option or a command rather than a repository (the git layer refuses them too). */
function checkRepoUrl(c: FieldChecker, repoURL: string | undefined, path: string): void {
  if (repoURL === undefined) return;
  if (/\s/.test(repoURL)) c.add(path, 'must not contain whitespace');
  if (repoURL.startsWith('-')) c.add(path, 'must not start with "-"');
  if (/^[a-z][a-z0-9+.-]*::/i.test(repoURL)) c.add(path, 'must not name a git remote helper ("<transport>::<address>")');
}

/** A folder inside the repository: relative, and never climbing out of it. */
function checkRepoPath(c: FieldChecker, value: unknown, path: string): void {
  const repoPath = c.string(value, path);
  if (repoPath === undefined) return;
  if (repoPath.startsWith('/')) c.add(path, 'must be relative to the repository root');
  if (repoPath.split('/').includes('..')) c.add(path, 'must not contain ".."');
}

