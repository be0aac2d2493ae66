// `vane report`: the delivery figures (DORA) computed from the cluster's release records, marked against the targets.
import { Option, type Command } from 'commander';
import { VaneError } from '../errors.js';
import { DELIVERY_TARGETS, namespaceFigures, rolloutFigures } from '../delivery/delivery-figures.js';
import { namespaceOf, openBackend, withConnectionOptions, type ConnectionFlags } from './connection-options.js';
import { renderReportTable, type DeliveryReport } from './delivery-report.js';
import type { ReleaseHistory } from './rollout-backend.js';
import { parseReportWindow } from './report-window.js';

interface ReportFlags extends ConnectionFlags {
  since: number;
  allNamespaces?: boolean;
  output: 'table' | 'json';
}

export function registerReportCommand(program: Command): void {
  withConnectionOptions(program.command('report'))
    .description('delivery figures per rollout and namespace: deployments, frequency, lead time, change failure rate, time to restore, rollback time, each against its target')
    .addOption(new Option('--since <window>', 'how far back: a whole number of w, d, h or m (e.g. 30d, 2w, 12h)').argParser(parseReportWindow).default(parseReportWindow('30d'), '30d'))
    .option('-A, --all-namespaces', 'report on the rollouts of all namespaces')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (flags: ReportFlags) => {
      if (flags.allNamespaces && flags.namespace) throw new VaneError('BadRequest', '--namespace and --all-namespaces exclude each other');
      const backend = await openBackend(flags);
      try {
        const histories = await backend.histories(flags.allNamespaces ? undefined : namespaceOf(flags, backend));
        const report = deliveryReport(histories, flags.since, new Date());
        process.stdout.write(flags.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : histories.length === 0 ? 'No rollouts found.\n' : renderReportTable(report));
      } finally {
        backend.close();
      }
    });
}

export function deliveryReport(histories: readonly ReleaseHistory[], windowMs: number, now: Date): DeliveryReport {
  const window = { since: new Date(now.getTime() - windowMs), now };
  const rollouts = histories.map((h) => ({ metadata: { namespace: h.namespace, name: h.name }, status: { history: h.history } }));
  return {
    since: window.since.toISOString(),
    until: now.toISOString(),
    targets: DELIVERY_TARGETS,
    rollouts: rollouts.map((r) => rolloutFigures(r, window)),
    namespaces: namespaceFigures(rollouts, window),
  };
}
