// Keeps a tenant's Notifier from making the controller call internal services: loopback, link-local, private hosts.
import { lookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** The address ranges no notification may reach unless an operator allows local URLs (RFC 6890 special purpose). */
const LOCAL_RANGES: ReadonlyArray<{ cidr: string; family: 'ipv4' | 'ipv6'; what: string }> = [
  { cidr: '0.0.0.0/8', family: 'ipv4', what: 'unspecified' },
  { cidr: '10.0.0.0/8', family: 'ipv4', what: 'private' },
  { cidr: '100.64.0.0/10', family: 'ipv4', what: 'shared (carrier-grade NAT)' },
  { cidr: '127.0.0.0/8', family: 'ipv4', what: 'loopback' },
  // 169.254.169.254 is the cloud metadata service: the one address an attacker wants most.
  { cidr: '169.254.0.0/16', family: 'ipv4', what: 'link-local' },
  { cidr: '172.16.0.0/12', family: 'ipv4', what: 'private' },
  { cidr: '192.0.0.0/24', family: 'ipv4', what: 'IETF protocol assignments' },
  { cidr: '192.168.0.0/16', family: 'ipv4', what: 'private' },
  { cidr: '198.18.0.0/15', family: 'ipv4', what: 'benchmarking' },
  { cidr: '224.0.0.0/4', family: 'ipv4', what: 'multicast' },
  { cidr: '240.0.0.0/4', family: 'ipv4', what: 'reserved' },
  { cidr: '::/128', family: 'ipv6', what: 'unspecified' },
  { cidr: '::1/128', family: 'ipv6', what: 'loopback' },
  { cidr: '::/96', family: 'ipv6', what: 'IPv4-compatible (deprecated)' },
  { cidr: 'fc00::/7', family: 'ipv6', what: 'unique local (private)' },
  { cidr: 'fe80::/10', family: 'ipv6', what: 'link-local' },
  { cidr: 'ff00::/8', family: 'ipv6', what: 'multicast' },
];

const RANGES = LOCAL_RANGES.map((range) => {
  const [network = '', prefix = ''] = range.cidr.split('/');
  const list = new BlockList();
  list.addSubnet(network, Number(prefix), range.family);
  return { list, family: range.family, what: range.what };
});

/** The code of the error the guarded lookup fails a connection with, so callers can tell a refusal from a network error. */
export const LOCAL_ADDRESS_REFUSED = 'VANE_LOCAL_ADDRESS_REFUSED';

/** What kind of local address `address` is (`loopback`, `private`, ...), or undefined for a public one. */
export function localAddressKind(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return undefined;
  const mapped = family === 6 ? mappedIPv4(address) : undefined;
  const [value, type] = mapped !== undefined ? [mapped, 'ipv4' as const] : [address, family === 4 ? ('ipv4' as const) : ('ipv6' as const)];
  return RANGES.find((range) => range.family === type && range.list.check(value, type))?.what;
}

/** An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`, which URL parsing writes `::ffff:7f00:1`) reaches the IPv4 host it embeds. */
function mappedIPv4(address: string): string | undefined {
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (dotted !== undefined) return dotted;
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return undefined;
  const high = parseInt(hex[1] ?? '0', 16);
  const low = parseInt(hex[2] ?? '0', 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

export type AddressCheck = { ok: true } | { ok: false; reason: string };

/**
 * Resolves `hostname` as the connection will and refuses it if any address is local (one local answer among public
 * ones is enough for a rebinding attack to pick it). An IP literal is checked as it is.
 */
export async function checkPublicHost(hostname: string): Promise<AddressCheck> {
  const host = hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) !== 0 ? [host] : await resolveAll(host);
  return refusalOf(hostname, addresses);
}

function refusalOf(hostname: string, addresses: readonly string[]): AddressCheck {
  for (const address of addresses) {
    const kind = localAddressKind(address);
    if (kind === undefined) continue;
    const shown = address === hostname.replace(/^\[|\]$/g, '') ? address : `${hostname} (${address})`;
    return { ok: false, reason: `${shown} is a ${kind} address; notifications only go to public hosts unless the controller runs with --allow-local-notification-urls` };
  }
  return { ok: true };
}

async function resolveAll(host: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    lookup(host, { all: true }, (err, answers) => (err ? reject(err) : resolve(answers.map((answer) => answer.address))));
  });
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for the connection itself: the check above could be answered by one DNS reply and the connection by
 * another (DNS rebinding), so the addresses actually connected to are checked again here.
 */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  lookup(hostname, { ...options, all: true }, (err, answers) => {
    if (err) return callback(err, []);
    const check = refusalOf(hostname, answers.map((answer) => answer.address));
    if (!check.ok) {
      const refused: NodeJS.ErrnoException = Object.assign(new Error(check.reason), { code: LOCAL_ADDRESS_REFUSED });
      return callback(refused, []);
    }
    if (options.all === true) return callback(null, answers);
    const first = answers[0];
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
    return callback(null, first.address, first.family);
  });
}
