// A notifier's sink credentials, read from Secrets: a Notifier's only from its own namespace, a ClusterNotifier's only
// from the controller's namespace. No spec field can point anywhere else, so a tenant cannot read another's Secrets.
import { VaneError } from '../errors.js';
import type { LiveReader } from '../kube/kube-client.js';
import type { KubeObject } from '../kube/kube-object.js';
import { Kinds } from '../kube/resource-kind.js';
import type { SecretKeySelector } from '../resources/meta.js';
import type { SinkSecrets } from './sink-factory.js';
import type { SelectedNotifier } from './notifier-selection.js';

type SecretObject = KubeObject & { data?: Record<string, string> };

/** Where `notifier` may read Secrets from. */
export function secretNamespace(notifier: SelectedNotifier, controllerNamespace: string): string {
  return notifier.kind === 'Notifier' ? notifier.object.metadata.namespace ?? 'default' : controllerNamespace;
}

/** The Secrets the notifier's sink names; throws a NotFound VaneError naming the Secret and key that is missing. */
export async function resolveSinkSecrets(reader: LiveReader, notifier: SelectedNotifier, controllerNamespace: string): Promise<SinkSecrets> {
  const namespace = secretNamespace(notifier, controllerNamespace);
  const { webhook, slack, teams, github } = notifier.spec;
  const read = (ref: SecretKeySelector): Promise<string> => secretValue(reader, namespace, ref);
  if (webhook?.secretRef) return { hmacKey: await read(webhook.secretRef) };
  const chat = slack ?? teams;
  if (chat) return { url: await read(chat.urlSecretRef) };
  if (github) return { token: await read(github.tokenSecretRef) };
  return {};
}

async function secretValue(reader: LiveReader, namespace: string, ref: SecretKeySelector): Promise<string> {
  const secret = await reader.get<SecretObject>(Kinds.Secret, namespace, ref.name);
  const encoded = secret?.data?.[ref.key];
  if (encoded === undefined) {
    const what = secret === undefined ? `Secret ${namespace}/${ref.name} not found` : `Secret ${namespace}/${ref.name} has no key ${JSON.stringify(ref.key)}`;
    throw new VaneError('NotFound', what);
  }
  return Buffer.from(encoded, 'base64').toString('utf8');
}
