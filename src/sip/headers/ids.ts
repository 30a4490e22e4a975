/** Random identifiers for SIP: tags, branches (RFC 3261 magic cookie), Call-IDs. */
import { randomBytes } from 'node:crypto';
import { BRANCH_COOKIE } from './via.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function random(len: number): string {
  const b = randomBytes(len);
  let s = '';
  for (let i = 0; i < len; i++) s += ALPHABET[b[i]! % 36];
  return s;
}

/** From/To tag: 10 random chars (about 51 bits, RFC 3261 19.3 asks for at least 32). */
export function newTag(): string {
  return random(10);
}

/** Via branch, globally unique and starting with the magic cookie. */
export function newBranch(): string {
  return `${BRANCH_COOKIE}${random(16)}`;
}

export function newCallId(host?: string): string {
  const id = random(24);
  return host ? `${id}@${host}` : id;
}
