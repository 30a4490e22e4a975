/**
 * Which ICE candidates our WebRTC answer offers (pure; the endpoint applies it to werift's SDP):
 * - loopback bind address (tests): only candidates on that address;
 * - a specific bind address: only candidates on it, announced as `announcedAddress` when that
 *   differs (1:1 NAT: bound to the private address, reachable at the public one);
 * - a wildcard bind (0.0.0.0): every UDP IPv4 host candidate, rewritten to `announcedAddress` if set.
 * TCP and IPv6 candidates are dropped (we offer UDP IPv4 only).
 */
export interface CandidatePolicy {
  bindAddress: string;
  announcedAddress?: string;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export function isLoopback(addr: string): boolean {
  return addr.startsWith('127.') || addr === '::1';
}

/** Rewrites the `a=candidate:` lines of `sdp` by the policy; other lines are kept as they are. */
export function filterCandidates(sdp: string, policy: CandidatePolicy): string {
  const wildcard = policy.bindAddress === '0.0.0.0';
  const announce =
    policy.announcedAddress && !isLoopback(policy.bindAddress) ? policy.announcedAddress : undefined;
  const out: string[] = [];
  for (const line of sdp.split('\r\n')) {
    if (!line.startsWith('a=candidate:')) {
      out.push(line);
      continue;
    }
    // a=candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> ...
    const f = line.split(' ');
    const transport = (f[2] ?? '').toLowerCase();
    const address = f[4] ?? '';
    if (transport !== 'udp' || !IPV4.test(address)) continue;
    if (!wildcard && address !== policy.bindAddress) continue;
    if (wildcard && isLoopback(address)) continue;
    if (announce && announce !== address) f[4] = announce;
    out.push(f.join(' '));
  }
  return out.join('\r\n');
}
