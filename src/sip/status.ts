/**
 * SIP status codes by name, and the typed internal reason carried beside a rejection.
 *
 * A rejection on the wire is a number and a phrase (`480 Temporarily Unavailable`); why we sent
 * it (no route matched, the source is banned, the trunk is over its limit, …) is ours and goes
 * to logs, metrics and call records in `RejectReason`, never guessed back from the number.
 * The phrases live in `REASON_PHRASES` (message.ts); this file names the codes once.
 */
export const SipStatus = Object.freeze({
  Trying: 100,
  Ringing: 180,
  CallIsBeingForwarded: 181,
  Queued: 182,
  SessionProgress: 183,
  Ok: 200,
  Accepted: 202,
  MovedTemporarily: 302,
  BadRequest: 400,
  Unauthorized: 401,
  PaymentRequired: 402,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  ProxyAuthenticationRequired: 407,
  RequestTimeout: 408,
  Gone: 410,
  RequestEntityTooLarge: 413,
  RequestUriTooLong: 414,
  UnsupportedMediaType: 415,
  UnsupportedUriScheme: 416,
  BadExtension: 420,
  ExtensionRequired: 421,
  SessionIntervalTooSmall: 422,
  IntervalTooBrief: 423,
  TemporarilyUnavailable: 480,
  CallTransactionDoesNotExist: 481,
  LoopDetected: 482,
  TooManyHops: 483,
  AddressIncomplete: 484,
  Ambiguous: 485,
  BusyHere: 486,
  RequestTerminated: 487,
  NotAcceptableHere: 488,
  BadEvent: 489,
  RequestPending: 491,
  ServerInternalError: 500,
  NotImplemented: 501,
  BadGateway: 502,
  ServiceUnavailable: 503,
  ServerTimeout: 504,
  VersionNotSupported: 505,
  MessageTooLarge: 513,
  BusyEverywhere: 600,
  Decline: 603,
  DoesNotExistAnywhere: 604,
  NotAcceptableAnywhere: 606,
} as const);

export type SipStatusName = keyof typeof SipStatus;
export type SipStatusCode = (typeof SipStatus)[SipStatusName];

/**
 * Why we rejected or ended something, in our words (stable strings: logs, metrics labels and
 * call records use them). Add a value here rather than passing free text.
 */
export type RejectReason =
  | 'no-match' // no route, number, contact or account matched the target
  | 'not-registered' // the account exists but has no live contact
  | 'banned' // the source address is banned (scanner guard)
  | 'unauthenticated' // digest challenge failed or was not answered
  | 'identity-mismatch' // From does not match the authenticated account
  | 'class-forbidden' // class of service does not allow the destination
  | 'call-limit' // per-account/trunk/tenant concurrent call limit
  | 'rate-limit' // call attempts per second over the limit
  | 'trunk-untrusted' // a source claiming a trunk it is not approved for
  | 'bad-offer' // SDP missing, malformed or with no usable codec
  | 'too-many-hops' // Max-Forwards reached zero
  | 'loop' // the request came back to us
  | 'busy' // the target is busy
  | 'no-answer' // the target rang out
  | 'declined' // the target declined
  | 'unavailable' // the target is offline or unreachable
  | 'media-failure' // the media plane could not allocate or answer
  | 'overload' // we shed load (connection caps, queue full)
  | 'malformed' // the request failed validation
  | 'internal'; // a bug or an unexpected error on our side

/** A rejection as the code that decided it returns it: what goes on the wire and why. */
export interface SipRejection {
  readonly status: SipStatusCode;
  readonly reason: RejectReason;
  /** Extra headers for the response (Allow, Unsupported, Retry-After, …). */
  readonly headers?: ReadonlyArray<{ name: string; value: string }>;
  /** Free-text detail for logs only (never PII at info level). */
  readonly detail?: string;
}

export function reject(
  status: SipStatusCode,
  reason: RejectReason,
  extra: Omit<SipRejection, 'status' | 'reason'> = {},
): SipRejection {
  return { status, reason, ...extra };
}
