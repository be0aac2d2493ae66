// Converts a Flagger Canary (flagger.app/v1beta1) into a Vane Rollout, the Services and route object Flagger would
// have generated, and AnalysisTemplates for its metrics and webhooks (Flagger docs usage/*.md).
import type { AnalysisTemplate, Metric } from '../resources/analysis.js';
import { API_VERSION } from '../resources/meta.js';
import type { AnalysisRunArgument, CanaryStep, HeaderRoutingMatch, Rollout, RolloutAnalysis, RolloutSpec, TrafficRouting } from '../resources/rollout.js';
import { CANARY_HASH_ARG, convertMetric, webhookMetric, type FlaggerMetric, type FlaggerWebhook, type MetricTemplateSpec, type QueryContext } from './flagger-metrics.js';
import { providerSupported, routeObjects, services, type FlaggerService, type RouteContext } from './flagger-routes.js';

export const FLAGGER_API_VERSION = 'flagger.app/v1beta1';

interface FlaggerAnalysis {
  interval?: string;
  threshold?: number;
  maxWeight?: number;
  stepWeight?: number;
  stepWeights?: number[];
  stepWeightPromotion?: number;
  iterations?: number;
  match?: Array<Record<string, unknown>>;
  metrics?: FlaggerMetric[];
  webhooks?: FlaggerWebhook[];
}

interface CanarySpec {
  provider?: string;
  targetRef?: { apiVersion?: string; kind?: string; name?: string };
  ingressRef?: { name?: string };
  autoscalerRef?: { name?: string };
  progressDeadlineSeconds?: number;
  skipAnalysis?: boolean;
  service?: FlaggerService;
  analysis?: FlaggerAnalysis;
  canaryAnalysis?: FlaggerAnalysis;
}

interface Deployment {
  metadata?: { name?: string; namespace?: string };
  spec?: { replicas?: number; selector?: { matchLabels?: Record<string, string> }; template?: unknown; minReadySeconds?: number; revisionHistoryLimit?: number; strategy?: unknown };
}

export interface FlaggerContext {
  /** Deployments of the input by `namespace/name`: a Canary's target found here is copied into the Rollout. */
  deployments: ReadonlyMap<string, Deployment>;
  metricTemplates: ReadonlyMap<string, MetricTemplateSpec>;
  /** Flagger's `-mesh-provider` flag, for Canaries without spec.provider. */
  meshProvider?: string;
  /** Flagger's `-metrics-server` flag: where the builtin metrics are queried. */
  prometheusAddress: string;
}

export interface CanaryConversion {
  documents: Array<Record<string, unknown>>;
  changes: string[];
  problems: string[];
  /** Set when nothing can be written for the Canary. */
  refused?: string;
  /** `namespace/name` of the input Deployment the Rollout now carries the template of. */
  replacedDeployment?: string;
  /** `namespace/name` of the input MetricTemplates it used. */
  usedTemplates: string[];
}

/** Flagger's defaults (canary.go): interval 60s (at least 10s), threshold 1. */
const DEFAULT_INTERVAL = '60s';

/**
 * Field paths of a Canary that the conversion reads (arrays as `[]`). Any other field set in a Canary is reported as
 * not converted, so nothing is dropped without a word.
 */
const READ_FIELDS = [
  'spec.provider', 'spec.targetRef', 'spec.ingressRef', 'spec.autoscalerRef', 'spec.progressDeadlineSeconds', 'spec.skipAnalysis',
  'spec.service.name', 'spec.service.port', 'spec.service.targetPort', 'spec.service.portName', 'spec.service.appProtocol',
  'spec.service.portDiscovery', 'spec.service.headless', 'spec.service.trafficDistribution', 'spec.service.gateways', 'spec.service.hosts',
  'spec.service.gatewayRefs', 'spec.service.match', 'spec.service.rewrite', 'spec.service.timeout', 'spec.service.retries',
  'spec.service.headers', 'spec.service.corsPolicy', 'spec.service.trafficPolicy', 'spec.service.apex', 'spec.service.canary',
  'spec.service.primary', 'spec.analysis.interval', 'spec.analysis.threshold', 'spec.analysis.maxWeight', 'spec.analysis.stepWeight',
  'spec.analysis.stepWeights', 'spec.analysis.stepWeightPromotion', 'spec.analysis.iterations', 'spec.analysis.match',
  'spec.analysis.metrics[].name', 'spec.analysis.metrics[].interval', 'spec.analysis.metrics[].threshold',
  'spec.analysis.metrics[].thresholdRange', 'spec.analysis.metrics[].templateRef', 'spec.analysis.metrics[].templateVariables',
  'spec.analysis.webhooks[].name', 'spec.analysis.webhooks[].type', 'spec.analysis.webhooks[].url', 'spec.analysis.webhooks[].timeout',
  'spec.analysis.webhooks[].metadata', 'spec.analysis.webhooks[].retries', 'spec.analysis.webhooks[].disableTLS',
];

export function isFlaggerCanary(doc: Record<string, unknown>): boolean {
  return doc['apiVersion'] === FLAGGER_API_VERSION && doc['kind'] === 'Canary';
}

export function convertCanary(canary: Record<string, unknown>, context: FlaggerContext): CanaryConversion {
  const metadata = (canary['metadata'] ?? {}) as { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  const spec = (canary['spec'] ?? {}) as CanarySpec;
  const refuse = (refused: string): CanaryConversion => ({ documents: [], changes: [], problems: [], refused, usedTemplates: [] });
  const name = metadata.name;
  if (name === undefined) return refuse('metadata.name: a Canary needs a name');
  const provider = spec.provider ?? context.meshProvider;
  if (provider === undefined) {
    return refuse("spec.provider: not set, so Flagger took it from its -mesh-provider flag, which import cannot see; pass --mesh-provider");
  }
  if (!providerSupported(provider)) return refuse(`spec.provider: ${provider} is a provider Vane has no traffic router for`);
  const target = spec.targetRef;
  if (target?.kind !== 'Deployment' || target.name === undefined) return refuse('spec.targetRef: Vane rolls out Deployments only (a DaemonSet has no Vane equivalent)');
  if (spec.service?.port === undefined) return refuse('spec.service.port: required');
  return new CanaryConverter(name, metadata, spec, provider, context).convert();
}

class CanaryConverter {
  private readonly changes: string[] = [];
  private readonly problems: string[] = [];
  private readonly documents: Array<Record<string, unknown>> = [];
  private readonly usedTemplates: string[] = [];
  private readonly namespace: string | undefined;
  private readonly analysis: FlaggerAnalysis;
  private readonly service: FlaggerService;
  private readonly serviceName: string;
  private readonly target: string;
  private needsHash = false;

  constructor(
    private readonly name: string,
    private readonly metadata: { namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> },
    private readonly spec: CanarySpec,
    private readonly provider: string,
    private readonly context: FlaggerContext,
  ) {
    this.namespace = metadata.namespace;
    this.analysis = spec.analysis ?? spec.canaryAnalysis ?? {};
    this.service = spec.service as FlaggerService;
    this.target = spec.targetRef?.name as string;
    this.serviceName = this.service.name ?? this.target;
  }

  convert(): CanaryConversion {
    this.reportUnreadFields();
    const deploymentKey = `${this.namespace ?? 'default'}/${this.target}`;
    const deployment = this.context.deployments.get(deploymentKey);
    const selector = deployment?.spec?.selector?.matchLabels ?? { app: this.target };
    if (deployment?.spec?.selector?.matchLabels === undefined) {
      this.changes.push(`spec.selector: app=${this.target}, the label Flagger requires of Deployment ${this.target} (it is not in the input to read)`);
    }
    const strategy = this.strategy();
    const routeContext: RouteContext = {
      provider: this.provider,
      namespace: this.namespace ?? 'default',
      service: this.serviceName,
      canaryService: `${this.serviceName}-canary`,
      selector,
      spec: this.service,
      headerRoutes: strategy === 'ab',
      ...(this.spec.ingressRef?.name === undefined ? {} : { ingressName: this.spec.ingressRef.name }),
    };
    // Blue-green switches Services, so no route object is written and the route fields are reported as unused.
    const routes = routeObjects(strategy === 'blueGreen' ? { ...routeContext, provider: `${this.provider} blue-green` } : routeContext);
    this.changes.push(...routes.changes);
    this.problems.push(...routes.problems);
    const rolloutSpec = this.rolloutSpec(selector, deployment, strategy, routes.trafficRouting);
    if (rolloutSpec === undefined) return this.result();
    const rollout: Rollout = {
      apiVersion: API_VERSION,
      kind: 'Rollout',
      metadata: this.objectMeta(this.name, this.metadata.labels, this.metadata.annotations),
      spec: rolloutSpec,
    };
    this.documents.unshift(rollout as unknown as Record<string, unknown>, ...services(routeContext), ...routes.documents);
    this.changes.push(`services: ${this.serviceName} is the stable Service (Vane points it at the stable pods); Flagger's ${this.serviceName}-primary is not generated`);
    if (this.service.portDiscovery === true) this.changes.push('spec.service.portDiscovery: the Services carry only spec.service.port; other container ports are not added');
    if (this.spec.autoscalerRef !== undefined) {
      this.changes.push(`spec.autoscalerRef: HPA ${this.spec.autoscalerRef.name ?? ''} scales Deployment ${this.target}; point its scaleTargetRef at Rollout ${this.name} (${API_VERSION})`);
    }
    const result = this.result();
    if (deployment !== undefined) result.replacedDeployment = deploymentKey;
    return result;
  }

  private result(): CanaryConversion {
    return { documents: this.documents, changes: this.changes, problems: this.problems, usedTemplates: this.usedTemplates };
  }

  private objectMeta(name: string, labels?: Record<string, string>, annotations?: Record<string, string>): Rollout['metadata'] {
    return {
      name,
      ...(this.namespace === undefined ? {} : { namespace: this.namespace }),
      ...(labels === undefined ? {} : { labels: { ...labels } }),
      ...(annotations === undefined ? {} : { annotations: { ...annotations } }),
    };
  }

  /** Flagger's deployment strategy (canary.go DeploymentStrategy): A/B with match and iterations, blue-green with iterations. */
  private strategy(): 'canary' | 'ab' | 'blueGreen' {
    const iterations = this.analysis.iterations ?? 0;
    if ((this.analysis.match?.length ?? 0) > 0 && iterations > 0) return 'ab';
    if (iterations > 0) return 'blueGreen';
    return 'canary';
  }

  private rolloutSpec(
    selector: Record<string, string>,
    deployment: Deployment | undefined,
    strategy: 'canary' | 'ab' | 'blueGreen',
    trafficRouting: TrafficRouting | undefined,
  ): RolloutSpec | undefined {
    const spec: Partial<RolloutSpec> = { selector: { matchLabels: { ...selector } } };
    if (deployment?.spec !== undefined) {
      const d = deployment.spec;
      if (d.replicas !== undefined) spec.replicas = d.replicas;
      spec.template = structuredClone(d.template) as RolloutSpec['template'];
      if (d.minReadySeconds !== undefined) spec.minReadySeconds = d.minReadySeconds;
      if (d.revisionHistoryLimit !== undefined) spec.revisionHistoryLimit = d.revisionHistoryLimit;
      if (d.strategy !== undefined) this.changes.push(`Deployment ${this.target}: its spec.strategy is replaced by the Rollout's`);
    } else {
      spec.workloadRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: this.target };
      this.changes.push(`spec.replicas: not read from Deployment ${this.target} (not in the input); the Rollout runs 1 replica unless you set spec.replicas`);
    }
    if (this.spec.progressDeadlineSeconds !== undefined) spec.progressDeadlineSeconds = this.spec.progressDeadlineSeconds;
    const analysis = this.spec.skipAnalysis === true ? undefined : this.templates(strategy);
    if (this.spec.skipAnalysis === true) this.changes.push('spec.skipAnalysis: true, so the Rollout has no analysis');
    if (strategy === 'blueGreen') {
      spec.strategy = { blueGreen: this.blueGreen(analysis) };
      this.changes.push(`strategy: blue-green switches Service ${this.serviceName} to the new pods instead of shifting the ${this.provider} route's weights`);
      return spec as RolloutSpec;
    }
    if (trafficRouting === undefined) {
      if (this.provider === 'kubernetes') this.problems.push('spec.analysis: with provider kubernetes Flagger runs blue-green only (set iterations)');
      return undefined;
    }
    const steps = strategy === 'ab' ? this.abSteps() : this.weightSteps();
    if (steps === undefined) return undefined;
    const prefix: CanaryStep[] = analysis?.pre === undefined ? [] : [{ analysis: analysis.pre }];
    const gates = this.confirmSteps('confirm-promotion');
    const canary: NonNullable<RolloutSpec['strategy']['canary']> = {
      stableService: this.serviceName,
      canaryService: `${this.serviceName}-canary`,
      trafficRouting,
      steps: [...this.confirmSteps('confirm-rollout'), ...prefix, ...steps, ...gates],
    };
    if (analysis?.background !== undefined) canary.analysis = { ...analysis.background, startingStep: prefix.length };
    spec.strategy = { canary };
    return spec as RolloutSpec;
  }

  /** Flagger's weights: stepWeights as given, or stepWeight added until maxWeight is reached (scheduler.go, capped at 100). */
  private weights(): number[] | undefined {
    const a = this.analysis;
    if (a.stepWeights !== undefined && a.stepWeights.length > 0) return a.stepWeights.map((w) => Math.min(w, 100));
    if (a.stepWeight === undefined || a.stepWeight <= 0) {
      this.problems.push('spec.analysis: a canary analysis needs stepWeight, stepWeights or iterations');
      return undefined;
    }
    const max = a.maxWeight ?? 100;
    const weights: number[] = [];
    for (let w = a.stepWeight; ; w += a.stepWeight) {
      weights.push(Math.min(w, 100));
      if (w >= max || w >= 100) break;
    }
    return weights;
  }

  /** Each weight held for one analysis interval, as Flagger advances once per interval when its checks pass. */
  private weightSteps(): CanaryStep[] | undefined {
    const weights = this.weights();
    if (weights === undefined) return undefined;
    const interval = this.interval();
    this.changes.push(`steps: each weight is held for ${interval}; Flagger holds a weight while a check fails, Vane moves on and lets the analysis abort`);
    if (this.analysis.stepWeightPromotion !== undefined) this.changes.push('spec.analysis.stepWeightPromotion: Vane promotes to 100% in one step');
    const gates = this.confirmSteps('confirm-traffic-increase');
    return weights.flatMap((w, i): CanaryStep[] => [...(i === 0 ? [] : gates), { setWeight: w }, { pause: { duration: interval } }]);
  }

  /** A/B testing: each match entry becomes a header route (entries are alternatives), held for iterations x interval. */
  private abSteps(): CanaryStep[] | undefined {
    const steps: CanaryStep[] = [];
    (this.analysis.match ?? []).forEach((entry, i) => {
      const path = `spec.analysis.match[${i}]`;
      const matches = this.headerMatches(entry, path);
      if (matches.length > 0) steps.push({ setHeaderRoute: { name: `ab-${i + 1}`, match: matches } });
    });
    if (steps.length === 0) {
      this.problems.push('spec.analysis.match: no header match Vane can route on');
      return undefined;
    }
    const seconds = durationSeconds(this.interval()) * (this.analysis.iterations ?? 1);
    steps.push({ pause: { duration: `${seconds}s` } });
    // Flagger runs the canary Deployment at full size during A/B testing; header routes need pods to send to.
    return [{ setCanaryScale: { weight: 100 } }, ...steps];
  }

  private headerMatches(entry: Record<string, unknown>, path: string): HeaderRoutingMatch[] {
    for (const key of Object.keys(entry)) if (key !== 'headers') this.problems.push(`${path}.${key}: Vane routes on headers only`);
    const headers = (entry['headers'] ?? {}) as Record<string, Record<string, string>>;
    const matches: HeaderRoutingMatch[] = [];
    for (const [headerName, value] of Object.entries(headers)) {
      if (value.exact !== undefined) matches.push({ headerName, headerValue: { exact: value.exact } });
      else if (value.prefix !== undefined) matches.push({ headerName, headerValue: { prefix: value.prefix } });
      else if (value.regex !== undefined) matches.push({ headerName, headerValue: { regex: value.regex } });
      else if (value.suffix !== undefined) {
        matches.push({ headerName, headerValue: { regex: `.*${value.suffix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}` } });
        this.changes.push(`${path}.headers.${headerName}.suffix: written as the regex ".*${value.suffix}" (escaped)`);
      } else {
        this.problems.push(`${path}.headers.${headerName}: no exact, prefix, suffix or regex`);
      }
    }
    return matches;
  }

  /** A confirm-* webhook gates until it answers 2xx; Vane's nearest is a pause a person ends with `vane promote`. */
  private confirmSteps(type: string): CanaryStep[] {
    return this.webhooks(type).map(({ hook, path }) => {
      this.changes.push(`${path}: ${type} webhook ${JSON.stringify(hook.name ?? '')} is a manual pause: resume it with \`vane promote\` instead of an answer from ${hook.url ?? ''}`);
      return { pause: {} };
    });
  }

  private webhooks(type: string): Array<{ hook: FlaggerWebhook; path: string }> {
    return (this.analysis.webhooks ?? []).flatMap((hook, i) => ((hook.type ?? 'rollout') === type ? [{ hook, path: `spec.analysis.webhooks[${i}]` }] : []));
  }

  /** The analysis interval in seconds, as Vane writes durations. */
  private interval(): string {
    return `${Math.max(durationSeconds(this.analysis.interval ?? DEFAULT_INTERVAL), 10)}s`;
  }

  /** failureLimit from Flagger's threshold: the threshold-th failed check rolls back. */
  private failureLimit(): number {
    return Math.max((this.analysis.threshold ?? 1) - 1, 0);
  }

  /** The AnalysisTemplates: pre-rollout webhooks (run once before traffic moves) and the periodic checks. */
  private templates(strategy: 'canary' | 'ab' | 'blueGreen'): { pre?: RolloutAnalysis; background?: RolloutAnalysis } | undefined {
    const context = this.queryContext();
    const interval = this.interval();
    const failureLimit = this.failureLimit();
    const count = strategy === 'blueGreen' ? this.analysis.iterations : undefined;
    const schedule = { interval, failureLimit, ...(count === undefined ? {} : { count }) };
    const checks: Metric[] = [];
    (this.analysis.metrics ?? []).forEach((metric, i) => {
      const conversion = convertMetric(metric, `spec.analysis.metrics[${i}]`, context, this.context.metricTemplates, schedule);
      this.take(conversion, checks);
      if (conversion.metric !== undefined && metric.templateRef !== undefined) {
        this.usedTemplates.push(`${metric.templateRef.namespace ?? context.namespace}/${metric.templateRef.name ?? ''}`);
      }
    });
    for (const { hook, path } of this.webhooks('rollout')) this.take(webhookMetric(hook, path, context, schedule), checks);
    const pre: Metric[] = [];
    for (const { hook, path } of this.webhooks('pre-rollout')) {
      this.take(webhookMetric(hook, path, context, { failureLimit: 0 }), pre);
      this.changes.push(`${path}: the pre-rollout webhook is measured once and a failure aborts (Flagger retries it each interval until ${this.analysis.threshold ?? 1} failed checks)`);
    }
    for (const type of ['post-rollout', 'rollback', 'event']) {
      for (const { path } of this.webhooks(type)) this.problems.push(`${path}: ${type} webhooks have no Vane equivalent`);
    }
    if (checks.length > 0) this.changes.push(`spec.analysis.threshold: each metric tolerates ${failureLimit} failed measurement(s); Flagger counts failed checks of all metrics and webhooks together`);
    const args: AnalysisRunArgument[] = this.needsHash ? [{ name: CANARY_HASH_ARG, valueFrom: { podTemplateHashValue: 'Latest' } }] : [];
    const result: { pre?: RolloutAnalysis; background?: RolloutAnalysis } = {};
    if (pre.length > 0) result.pre = { templates: [{ templateName: this.template(`${this.name}-pre-rollout`, pre, []) }] };
    if (checks.length > 0) {
      result.background = {
        templates: [{ templateName: this.template(`${this.name}-analysis`, checks, this.needsHash ? [CANARY_HASH_ARG] : []) }],
        ...(args.length > 0 ? { args } : {}),
      };
    }
    return result;
  }

  private take(conversion: { metric?: Metric; changes: string[]; problems: string[]; needsHash?: boolean }, into: Metric[]): void {
    this.changes.push(...conversion.changes);
    this.problems.push(...conversion.problems);
    if (conversion.metric === undefined) return;
    if (into.some((m) => m.name === conversion.metric?.name)) conversion.metric.name = `${conversion.metric.name}-${into.length + 1}`;
    into.push(conversion.metric);
    if (conversion.needsHash === true) this.needsHash = true;
  }

  private template(name: string, metrics: Metric[], args: string[]): string {
    const template: AnalysisTemplate = {
      apiVersion: API_VERSION,
      kind: 'AnalysisTemplate',
      metadata: this.objectMeta(name),
      spec: { ...(args.length > 0 ? { args: args.map((arg) => ({ name: arg })) } : {}), metrics },
    };
    this.documents.push(template as unknown as Record<string, unknown>);
    return name;
  }

  private blueGreen(analysis: { pre?: RolloutAnalysis; background?: RolloutAnalysis } | undefined): NonNullable<RolloutSpec['strategy']['blueGreen']> {
    const bg: NonNullable<RolloutSpec['strategy']['blueGreen']> = { activeService: this.serviceName, previewService: `${this.serviceName}-canary` };
    const templates = [...(analysis?.pre?.templates ?? []), ...(analysis?.background?.templates ?? [])];
    if (templates.length > 0) {
      bg.prePromotionAnalysis = { templates, ...(analysis?.background?.args === undefined ? {} : { args: analysis.background.args }) };
      if (analysis?.pre !== undefined) this.changes.push('pre-rollout webhooks run alongside the metrics in the pre-promotion analysis, not before them');
    }
    const gates = [...this.webhooks('confirm-rollout'), ...this.webhooks('confirm-promotion'), ...this.webhooks('confirm-traffic-increase')];
    if (gates.length > 0) {
      bg.autoPromotionEnabled = false;
      for (const { hook, path } of gates) this.changes.push(`${path}: ${hook.type ?? ''} webhook ${JSON.stringify(hook.name ?? '')} became autoPromotionEnabled: false: promote with \`vane promote\``);
    }
    return bg;
  }

  private queryContext(): QueryContext {
    return {
      provider: this.provider,
      rollout: this.name,
      namespace: this.namespace ?? 'default',
      target: this.target,
      service: this.serviceName,
      canaryService: `${this.serviceName}-canary`,
      prometheusAddress: this.context.prometheusAddress,
      ...(this.spec.ingressRef?.name === undefined ? {} : { ingress: this.spec.ingressRef.name }),
    };
  }

  /** Every field set in the Canary that no part of the conversion reads is named, never dropped in silence. */
  private reportUnreadFields(): void {
    const canary = { spec: this.spec.analysis === undefined && this.spec.canaryAnalysis !== undefined ? { ...this.spec, analysis: this.spec.canaryAnalysis, canaryAnalysis: undefined } : this.spec };
    for (const path of leafPaths(canary, '')) {
      const generic = path.replace(/\[\d+\]/g, '[]');
      if (!READ_FIELDS.some((read) => generic === read || generic.startsWith(`${read}.`) || generic.startsWith(`${read}[`))) {
        this.problems.push(`${path}: no Vane equivalent`);
      }
    }
  }
}

/** Paths of the fields set under `value`, stopping at scalars and empty objects. */
function leafPaths(value: unknown, path: string): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => leafPaths(item, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null) return value === undefined ? [] : [path];
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return [path];
  return entries.flatMap(([key, v]) => leafPaths(v, path === '' ? key : `${path}.${key}`));
}

/** Seconds of a Go duration such as "1m30s" or "15s"; 60 when it cannot be read (Flagger's fallback). */
function durationSeconds(duration: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  const parts = [...duration.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== duration) return 60;
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * (units[p[2] as string] as number), 0));
}
