/**
 * name-addr / addr-spec with header parameters (From, To, Contact, Route, Record-Route,
 * Refer-To, ...; RFC 3261 20 and 25.1):
 *   [ display-name ] LAQUOT addr-spec RAQUOT *( SEMI param )  |  addr-spec *( SEMI param )
 * Without angle brackets, everything after the first ';' is a header parameter, not a URI one.
 * `uri` is the URI text (any scheme); parse it with parseUri when it is sip/sips.
 */
import { SwbError } from '../../kernel/errors.js';
import { indexOfTopLevel, type Params, parseParams, quote, serializeParams, unquote } from './params.js';

export interface NameAddr {
  displayName: string | undefined;
  uri: string;
  params: Params;
}

function fail(reason: string): never {
  throw new SwbError('SWB_SIP_PARSE', { reason });
}

const TOKEN_WORDS_RE = /^[A-Za-z0-9\-.!%*_+`'~]+(?:[ \t]+[A-Za-z0-9\-.!%*_+`'~]+)*$/;
const SCHEME_RE = /^[A-Za-z][A-Za-z0-9+\-.]*:/;

export function parseNameAddr(text: string): NameAddr {
  const s = text.trim();
  const lt = indexOfTopLevel(s, '<');
  if (lt >= 0) {
    const gt = s.indexOf('>', lt);
    if (gt < 0) fail('unterminated <');
    const dn = s.slice(0, lt).trim();
    let displayName: string | undefined;
    if (dn !== '') {
      if (dn.startsWith('"')) {
        if (!/^"(?:[^"\\]|\\[\s\S])*"$/.test(dn)) fail('bad quoted display name');
        displayName = unquote(dn);
      } else if (TOKEN_WORDS_RE.test(dn)) {
        displayName = dn;
      } else fail('bad display name');
    }
    const uri = s.slice(lt + 1, gt);
    if (!SCHEME_RE.test(uri) || /[\s<>]/.test(uri)) fail('bad URI in name-addr');
    return { displayName, uri, params: parseParams(s.slice(gt + 1)) };
  }
  if (s === '*') return { displayName: undefined, uri: '*', params: {} };
  const semi = s.indexOf(';');
  const uri = (semi < 0 ? s : s.slice(0, semi)).trim();
  if (!SCHEME_RE.test(uri) || /[\s<>"?,]/.test(uri)) fail('bad addr-spec');
  return { displayName: undefined, uri, params: semi < 0 ? {} : parseParams(s.slice(semi)) };
}

export function serializeNameAddr(na: NameAddr): string {
  const dn = na.displayName !== undefined ? `${quote(na.displayName)} ` : '';
  return `${dn}<${na.uri}>${serializeParams(na.params)}`;
}

/** The `tag` parameter of a From/To value, if any. */
export function tagOf(value: string): string | undefined {
  const t = parseNameAddr(value).params['tag'];
  return t === null ? undefined : t;
}
