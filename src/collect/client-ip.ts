/**
 * The address of the client that sent an event, as stored with it: behind a
 * proxy that the operator trusts, the left-most `X-Forwarded-For` entry (the
 * client as the first proxy saw it), else the socket's peer.
 *
 * Addresses are stored in one canonical text form, so that the same client
 * always looks the same: IPv4-mapped IPv6 (`::ffff:203.0.113.9`, which a
 * dual-stack socket reports) as plain IPv4, IPv6 compressed as RFC 5952 says.
 * With `truncate`, the host part is zeroed before the address is stored
 * (IPv4 /24, IPv6 /48), which keeps a rough location without the person.
 */

import { isIP } from 'node:net';

export interface ClientIpOptions {
  /** Believe `X-Forwarded-For`: only when a proxy you run sets it; anyone can send the header. */
  readonly trustProxy: boolean;
  /** Keep the network, drop the host: IPv4 to /24, IPv6 to /48. */
  readonly truncate: boolean;
}

/**
 * The client's address in canonical form, or `null` when there is none or it is not an IP address.
 *
 * @example
 * clientIp('10.0.0.5', '203.0.113.9, 10.0.0.1', { trustProxy: true, truncate: false }) // '203.0.113.9'
 * clientIp('::ffff:203.0.113.9', undefined, { trustProxy: false, truncate: true }) // '203.0.113.0'
 * clientIp('10.0.0.5', '2001:DB8:85A3::8A2E:370:7334', { trustProxy: true, truncate: true }) // '2001:db8:85a3::'
 */
export function clientIp(remoteAddress: string | undefined, forwardedFor: string | undefined, options: ClientIpOptions): string | null {
  let candidate = remoteAddress;
  if (options.trustProxy && forwardedFor !== undefined) {
    const first = leftMost(forwardedFor);
    if (first !== undefined) candidate = first;
  }
  if (candidate === undefined) return null;
  const address = withoutPortOrZone(candidate.trim());
  switch (isIP(address)) {
    case 4:
      return options.truncate ? truncateIPv4(address) : address;
    case 6: {
      const groups = expandIPv6(address);
      if (isIPv4Mapped(groups)) {
        const [high = 0, low = 0] = groups.slice(6);
        const ipv4 = `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
        return options.truncate ? truncateIPv4(ipv4) : ipv4;
      }
      return compressIPv6(options.truncate ? [...groups.slice(0, 3), 0, 0, 0, 0, 0] : groups);
    }
    default:
      return null;
  }
}

/** The first non-empty entry of a comma-separated header. */
function leftMost(header: string): string | undefined {
  for (const entry of header.split(',')) {
    const trimmed = entry.trim();
    if (trimmed !== '') return trimmed;
  }
  return undefined;
}

/**
 * Some proxies write a port (`203.0.113.9:4711`, `[2001:db8::1]:443`); a
 * link-local IPv6 address can carry a zone (`fe80::1%eth0`). Neither is part of
 * the client's address.
 */
function withoutPortOrZone(text: string): string {
  let address = text;
  if (address.startsWith('[')) {
    const close = address.indexOf(']');
    address = close === -1 ? address : address.slice(1, close);
  } else if (/^[\d.]+:\d+$/.test(address)) {
    address = address.slice(0, address.indexOf(':'));
  }
  const zone = address.indexOf('%');
  return zone === -1 ? address : address.slice(0, zone);
}

function truncateIPv4(address: string): string {
  return `${address.slice(0, address.lastIndexOf('.'))}.0`;
}

/** The eight 16-bit groups of an address that `isIP` accepted as IPv6. */
function expandIPv6(address: string): number[] {
  let text = address;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    // An embedded IPv4 tail (`::ffff:1.2.3.4`, `64:ff9b::192.0.2.33`) is the last two groups.
    const [a, b, c, d] = tail.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const zeros = rest === undefined ? [] : Array.from({ length: 8 - headGroups.length - restGroups.length }, () => '0');
  return [...headGroups, ...zeros, ...restGroups].map((group) => Number.parseInt(group, 16));
}

function isIPv4Mapped(groups: readonly number[]): boolean {
  return groups[5] === 0xffff && groups.slice(0, 5).every((group) => group === 0);
}

/** RFC 5952: lower case, no leading zeros, the longest run of two or more zero groups (the first, on a tie) as `::`. */
function compressIPv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let end = i;
    while (end < groups.length && groups[end] === 0) end++;
    if (end - i > bestLength) {
      bestStart = i;
      bestLength = end - i;
    }
    i = end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
