// The limits Kubernetes puts on the numbers and object names a Vane spec carries: int32 counts, bounded durations,
// DNS labels and subdomains. Validation and the CRD schemas both read them from here.

/** The largest int32: Kubernetes counts (replicas, revisionHistoryLimit, ...) are int32 in its API types. */
export const INT32_MAX = 2_147_483_647;

/**
 * The longest duration a spec may give, in seconds: the int32 seconds Kubernetes itself uses for its `*Seconds`
 * fields (a Deployment's progressDeadlineSeconds and minReadySeconds, which Vane's mirror). About 68 years, so no
 * honest pause or interval is refused, while every instant computed from it (now + duration) stays a valid date
 * and an exact integer of milliseconds. Timers do not rely on it: the work queue caps every requeue on its own.
 */
export const MAX_DURATION_SECONDS = INT32_MAX;
export const MAX_DURATION_MS = MAX_DURATION_SECONDS * 1000;

/** Which of Kubernetes' name rules an object name follows. */
export type NameRule = 'dns1035Label' | 'dns1123Label' | 'dns1123Subdomain';

interface NameRuleSpec {
  pattern: string;
  maxLength: number;
  /** What the rule allows, for messages, after "must be a ...". */
  says: string;
}

const LABEL_1123 = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';

/** The rules as apimachinery's validation.IsDNS1035Label, IsDNS1123Label and IsDNS1123Subdomain state them. */
export const NAME_RULES: Readonly<Record<NameRule, NameRuleSpec>> = {
  dns1035Label: {
    pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$',
    maxLength: 63,
    says: "DNS-1035 label: at most 63 lower case letters, digits and '-', starting with a letter and ending with a letter or digit",
  },
  dns1123Label: {
    pattern: `^${LABEL_1123}$`,
    maxLength: 63,
    says: "DNS-1123 label: at most 63 lower case letters, digits and '-', starting and ending with a letter or digit",
  },
  dns1123Subdomain: {
    pattern: `^${LABEL_1123}(\\.${LABEL_1123})*$`,
    maxLength: 253,
    says: "DNS-1123 subdomain: at most 253 lower case letters, digits, '-' and '.', each part starting and ending with a letter or digit",
  },
};

const COMPILED: Readonly<Record<NameRule, RegExp>> = {
  dns1035Label: new RegExp(NAME_RULES.dns1035Label.pattern),
  dns1123Label: new RegExp(NAME_RULES.dns1123Label.pattern),
  dns1123Subdomain: new RegExp(NAME_RULES.dns1123Subdomain.pattern),
};

export function isValidName(name: string, rule: NameRule): boolean {
  return name.length <= NAME_RULES[rule].maxLength && COMPILED[rule].test(name);
}

/** Why `name` breaks `rule`, as a field error message; undefined when it follows it. */
export function nameProblem(name: string, rule: NameRule): string | undefined {
  if (isValidName(name, rule)) return undefined;
  const shown = name.length > 80 ? `${JSON.stringify(name.slice(0, 80))}… (${name.length} characters)` : JSON.stringify(name);
  return `must be a ${NAME_RULES[rule].says}, got ${shown}`;
}
