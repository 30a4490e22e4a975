/**
 * Outbound calls over a trunk: which trunk a tenant's phone call to an outside number takes, and
 * the INVITE's Request-URI, target and caller identity. Pure.
 *
 * The identity toward the carrier is the tenant's (the trunk's caller ID), never the phone's own
 * From or P-Asserted-Identity: the From carries the caller ID (or anonymous when restricted), and
 * a P-Asserted-Identity (RFC 3325) always asserts the tenant's number, with Privacy: id when
 * restricted. The phone is identified by its digest-authenticated account only (the router's
 * class-of-service and limit checks), so a phone that forges its From cannot pick the number
 * the carrier bills or shows.
 */
import type { TrunksTable } from '../storage/schema.js';
import { type Destination, destinationOf, isEmergency } from './class-of-service.js';
import { tryNormalizeNumber } from './e164.js';

export interface OutboundPlan {
  trunkId: string;
  maxConcurrentCalls: number | null;
  uri: string;
  target: { transport: 'udp' | 'tcp' | 'tls'; host: string; port: number };
  from: string;
  headers: { name: string; value: string }[];
  /** E.164, or the short emergency code as dialled. */
  number: string;
  /** For the account's class of service (src/numbers/class-of-service.ts). */
  destination: Destination;
}

/** The tenant's first enabled trunk that carries outbound calls (by name). */
export function pickOutboundTrunk(trunks: TrunksTable[], tenantId: string): TrunksTable | undefined {
  return trunks
    .filter((t) => t.tenant_id === tenantId && t.enabled === 1 && t.direction !== 'inbound')
    .sort((a, b) => a.name.localeCompare(b.name))[0];
}

/** Plans a call to `dialled` (as the phone dialled it) over `trunk`; undefined when not a phone number. */
export function planOutbound(trunk: TrunksTable, dialled: string): OutboundPlan | undefined {
  // emergency short codes have no E.164 form: dialled as written, without user=phone
  const emergency = isEmergency(dialled, trunk.country_code);
  const number = emergency ? dialled : tryNormalizeNumber(dialled, { defaultCountry: trunk.country_code });
  if (!number) return undefined;
  const host = trunk.host.includes(':') ? `[${trunk.host}]` : trunk.host;
  const tp = trunk.transport === 'udp' ? '' : `;transport=${trunk.transport}`;
  const domain = trunk.from_domain ?? trunk.host;
  const headers: { name: string; value: string }[] = [];
  let from: string;
  const callerId = trunk.caller_id ?? trunk.outbound_username;
  if (trunk.caller_id_presentation === 'restricted') {
    from = '"Anonymous" <sip:anonymous@anonymous.invalid>';
    if (callerId) headers.push({ name: 'P-Asserted-Identity', value: `<sip:${callerId}@${domain}>` });
    headers.push({ name: 'Privacy', value: 'id' });
  } else {
    from = callerId ? `<sip:${callerId}@${domain}>` : `<sip:anonymous@${domain}>`;
    if (callerId) headers.push({ name: 'P-Asserted-Identity', value: `<sip:${callerId}@${domain}>` });
  }
  return {
    trunkId: trunk.id,
    maxConcurrentCalls: trunk.max_concurrent,
    uri: `sip:${number}@${host}:${trunk.port}${tp}${emergency ? '' : ';user=phone'}`,
    target: { transport: trunk.transport, host: trunk.host, port: trunk.port },
    from,
    headers,
    number,
    destination: emergency ? 'emergency' : destinationOf(number, trunk.country_code),
  };
}
