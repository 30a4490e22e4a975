import { randomBytes, randomUUID } from 'node:crypto';

/** Prefixed, URL-safe ids: `ten_…`, `usr_…`. Prefix tells the type in logs and support tickets. */
export const ID_PREFIXES = {
  tenant: 'ten',
  user: 'usr',
  role: 'rol',
  apiKey: 'key',
  session: 'ses',
  audit: 'aud',
  group: 'grp',
  center: 'ctr',
  request: 'req',
  call: 'cal',
  leg: 'leg',
  sipAccount: 'sip',
  trunk: 'trk',
  number: 'num',
  routingRule: 'rul',
  trunkSourceApproval: 'tsa',
  recording: 'rec',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

function randomBase36(len: number): string {
  const bytes = randomBytes(len);
  let out = '';
  for (let i = 0; i < len; i++) out += ALPHABET[bytes[i]! % 36];
  return out;
}

export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${randomBase36(20)}`;
}

const ID_RE = /^[a-z]{3}_[0-9a-z]{4,40}$/;

/** True when `s` has the shape of one of our ids (optionally of a given kind). */
export function isValidId(s: unknown, kind?: IdKind): s is string {
  if (typeof s !== 'string' || !ID_RE.test(s)) return false;
  return kind === undefined || s.startsWith(`${ID_PREFIXES[kind]}_`);
}

export function newUuid(): string {
  return randomUUID();
}

/** Random token for secrets (API keys, session tokens): 256 bits, base64url. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Time-ordered id: sorts by creation time (used for append-only logs such as the audit log). */
let lastMs = -1;
let seqInMs = 0;
export function newSortableId(kind: IdKind, nowMs: number): string {
  const ms = Math.floor(nowMs);
  if (ms === lastMs) seqInMs++;
  else {
    lastMs = ms;
    seqInMs = 0;
  }
  // time (9) + sequence within the same millisecond in this process (4) + random (9)
  return `${ID_PREFIXES[kind]}_${ms.toString(36).padStart(9, '0')}${seqInMs.toString(36).padStart(4, '0')}${randomBase36(9)}`;
}
