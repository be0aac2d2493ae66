// `vane set image ROLLOUT CONTAINER=IMAGE...`: a new release without git, for people who do not drive releases from
// a repository. It patches the Rollout's pod template (spec), so it needs the cluster, not Vane's API.
import type { Command } from 'commander';
import { namespaceOf, openBackend, withConnectionOptions, type ConnectionFlags } from './connection-options.js';
import { parseImageChanges } from './image-patch.js';

export function registerSetCommands(program: Command): void {
  const set = program.command('set').description("change a rollout's spec");
  withConnectionOptions(set.command('image').argument('<rollout>', 'rollout name').argument('<container=image...>', 'new image per container; * for every container'))
    .description("set container images in a rollout's pod template, which starts a release (needs the kubeconfig: the Vane API writes status only)")
    .action(async (name: string, pairs: string[], flags: ConnectionFlags) => {
      const changes = parseImageChanges(pairs);
      const backend = await openBackend(flags);
      try {
        const namespace = namespaceOf(flags, backend);
        const { changed } = await backend.setImages(namespace, name, changes);
        if (changed.length === 0) {
          process.stdout.write(`rollout ${namespace}/${name} unchanged: its containers already run those images\n`);
          return;
        }
        for (const c of changed) process.stdout.write(`rollout ${namespace}/${name}: container ${c.container} image ${c.from || '(none)'} -> ${c.to}\n`);
      } finally {
        backend.close();
      }
    });
}
