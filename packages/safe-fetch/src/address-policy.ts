import ipaddr from 'ipaddr.js';

/**
 * Which addresses a user-supplied URL may reach. Only globally routable unicast
 * addresses by default; `allowHosts` (host names or IPs, for tests and operators who
 * serve init images from an internal host on purpose) bypasses the check.
 */
export interface AddressPolicy {
  allowHosts?: readonly string[];
}

export class BlockedAddressError extends Error {
  readonly code = 'blocked_address';
  constructor(readonly host: string, readonly address: string, readonly range: string) {
    super(`${host} resolves to ${address} (${range}), which is not reachable from this service`);
    this.name = 'BlockedAddressError';
  }
}

/** The range name of an address that must not be reached, or null when it is public. */
export function blockedRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'invalid';
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const range = parsed.range();
  return range === 'unicast' ? null : range;
}

export function isAllowedHost(host: string, policy: AddressPolicy): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return (policy.allowHosts ?? []).some((h) => h.toLowerCase() === bare);
}
