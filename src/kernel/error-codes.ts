/**
 * The one registry of Switchboard error codes. Every thrown SwbError carries one of these.
 * Each entry: HTTP status, SIP response (where the error can end a SIP transaction),
 * severity for logging, and a message template (`{name}` placeholders filled from details).
 *
 * docs/errors.md is generated from this table (`npm run docs:errors`) and a unit test keeps
 * the two in step. Modules append codes to their own section; never reuse or rename a code.
 */
export interface ErrorDef {
  readonly http: number;
  readonly sip?: number;
  readonly severity: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
}

export const ERROR_CODES = {
  // ---- kernel / generic ----
  SWB_INTERNAL: { http: 500, sip: 500, severity: 'error', message: 'Internal error' },
  SWB_CONFIG_INVALID: { http: 500, severity: 'error', message: 'Invalid configuration at {key}: {reason}' },
  SWB_ILLEGAL_TRANSITION: {
    http: 409,
    sip: 500,
    severity: 'error',
    message: 'Illegal transition of {machine} from {from} to {to}',
  },
  SWB_TIMEOUT: { http: 504, sip: 408, severity: 'warn', message: 'Operation timed out: {operation}' },
  SWB_CLOSED: { http: 503, sip: 503, severity: 'warn', message: 'Object is closed: {what}' },

  // ---- API / request validation ----
  SWB_VALIDATION: { http: 400, severity: 'info', message: 'Request validation failed' },
  SWB_MALFORMED_JSON: { http: 400, severity: 'info', message: 'Request body is not valid JSON' },
  SWB_BODY_TOO_LARGE: { http: 413, severity: 'info', message: 'Request body exceeds {limit} bytes' },
  SWB_UNSUPPORTED_MEDIA_TYPE: { http: 415, severity: 'info', message: 'Unsupported content type' },
  SWB_INVALID_ID: { http: 400, severity: 'info', message: 'Invalid identifier: {id}' },
  SWB_NOT_FOUND: { http: 404, sip: 404, severity: 'info', message: '{resource} not found' },
  SWB_ROUTE_NOT_FOUND: { http: 404, severity: 'info', message: 'Route {method} {url} not found' },
  SWB_BAD_URL: {
    http: 400,
    severity: 'info',
    message: 'Malformed request URL (invalid percent-encoding or UTF-8)',
  },
  SWB_CONFLICT: { http: 409, severity: 'info', message: '{resource} already exists' },
  SWB_RATE_LIMITED: { http: 429, sip: 503, severity: 'warn', message: 'Too many requests' },

  // ---- auth ----
  SWB_UNAUTHENTICATED: { http: 401, sip: 401, severity: 'info', message: 'Authentication required' },
  SWB_BAD_CREDENTIALS: { http: 401, sip: 403, severity: 'info', message: 'Invalid credentials' },
  SWB_ACCOUNT_LOCKED: {
    http: 423,
    sip: 403,
    severity: 'warn',
    message: 'Account temporarily locked after repeated failures; retry after {retryAfterSeconds} s',
  },
  SWB_FORBIDDEN: { http: 403, sip: 403, severity: 'info', message: 'Permission {permission} required' },
  SWB_TENANT_DISABLED: { http: 403, sip: 403, severity: 'info', message: 'Tenant is disabled' },
  SWB_FORBIDDEN_ESCALATION: {
    http: 403,
    severity: 'warn',
    message: 'Refused, it would exceed your own rights: {reason}',
  },

  // ---- storage ----
  SWB_STORAGE: { http: 503, sip: 500, severity: 'error', message: 'Storage error: {reason}' },

  // ---- sip ----
  SWB_SIP_PARSE: { http: 400, sip: 400, severity: 'debug', message: 'Malformed SIP message: {reason}' },
  SWB_SIP_TOO_LARGE: {
    http: 413,
    sip: 513,
    severity: 'info',
    message: 'SIP message of {size} bytes exceeds the limit of {limit}',
  },
  SWB_SIP_VERSION: { http: 400, sip: 505, severity: 'info', message: 'Unsupported SIP version {version}' },
  SWB_SIP_UNSUPPORTED_URI_SCHEME: {
    http: 400,
    sip: 416,
    severity: 'info',
    message: 'Unsupported URI scheme {scheme}',
  },
  SWB_SIP_NO_ROUTE: {
    http: 502,
    sip: 503,
    severity: 'warn',
    message: 'No {transport} transport or connection to reach {target}',
  },
  SWB_SIP_SDP: { http: 400, sip: 488, severity: 'info', message: 'Unacceptable SDP: {reason}' },
  SWB_SIP_IDENTITY_MISMATCH: {
    http: 403,
    sip: 403,
    severity: 'info',
    message: 'From is not the authenticated SIP account (and the account may not present another identity)',
  },
  SWB_SIP_DIGEST: {
    http: 400,
    sip: 400,
    severity: 'info',
    message: 'Malformed digest credentials: {reason}',
  },

  // ---- media ----
  SWB_CHANNEL_CLOSED: { http: 503, sip: 500, severity: 'warn', message: 'Media channel closed' },
  SWB_MEDIA_WORKER_DIED: { http: 503, sip: 500, severity: 'error', message: 'Media worker {workerId} died' },
  SWB_MEDIA_PORTS_EXHAUSTED: {
    http: 503,
    sip: 503,
    severity: 'error',
    message: 'No free RTP port pair in {min}-{max}',
  },
  SWB_MEDIA_PORT_IN_USE: {
    http: 503,
    sip: 500,
    severity: 'warn',
    message: 'RTP port {port} could not be bound',
  },
  SWB_MEDIA_BAD_REQUEST: {
    http: 400,
    sip: 500,
    severity: 'warn',
    message: 'Bad media request {method}: {reason}',
  },
  SWB_MEDIA_TARGET_NOT_FOUND: {
    http: 404,
    sip: 500,
    severity: 'info',
    message: 'Media object {target} not found',
  },
  SWB_MEDIA_WEBRTC_FAILED: {
    http: 502,
    sip: 488,
    severity: 'warn',
    message: 'WebRTC setup failed: {reason}',
  },

  SWB_MEDIA_CODEC_UNSUPPORTED: {
    http: 400,
    sip: 488,
    severity: 'info',
    message: 'Unsupported codec {codec}',
  },
  SWB_MEDIA_WAV_INVALID: { http: 400, severity: 'info', message: 'Invalid or unsupported WAV: {reason}' },
  SWB_MEDIA_RECORDER_STATE: {
    http: 409,
    severity: 'info',
    message: 'Recorder cannot {action} while {state}',
  },

  // ---- reports / wfm ----
  SWB_WFM_INPUT: { http: 400, severity: 'info', message: 'Invalid workforce input: {reason}' },
  SWB_WFM_TARGET_UNREACHABLE: {
    http: 422,
    severity: 'info',
    message: 'Service target cannot be reached: {reason}',
  },
  SWB_WFM_HISTORY_TOO_SHORT: {
    http: 422,
    severity: 'info',
    message: 'History too short for {method}: need {needed} intervals, got {got}',
  },
  SWB_WFM_JOB_CANCELLED: { http: 409, severity: 'info', message: 'Workforce job {jobId} was cancelled' },
  SWB_WFM_JOB_FAILED: { http: 500, severity: 'error', message: 'Workforce job {jobId} failed: {reason}' },
  SWB_REPORTS_INPUT: { http: 400, severity: 'info', message: 'Invalid report input: {reason}' },
  SWB_REPORTS_TIMEZONE: { http: 400, severity: 'info', message: 'Unknown time zone: {timeZone}' },

  // ---- numbers ----
  SWB_NUMBER_INVALID: {
    http: 400,
    sip: 404,
    severity: 'info',
    message: 'Invalid phone number {number}: {reason}',
  },
  SWB_NUMBER_TAKEN: { http: 409, severity: 'info', message: 'Number {number} is already in use' },
  SWB_NUMBER_KIND: {
    http: 400,
    severity: 'info',
    message: 'Number {number} cannot be used as {kind}: {reason}',
  },
  SWB_NUMBER_RULE_INVALID: { http: 400, severity: 'info', message: 'Invalid routing rule {rule}: {reason}' },
  SWB_NUMBER_TIMEZONE: { http: 400, severity: 'info', message: 'Unknown time zone: {timeZone}' },
  SWB_NUMBER_ENTRY_POINT: {
    http: 400,
    severity: 'info',
    message: 'Invalid entry point {entryPoint}: {reason}',
  },
  SWB_NUMBER_NOT_ROUTED: { http: 404, sip: 404, severity: 'info', message: 'No route for number {number}' },
  SWB_TRUNK_INVALID: { http: 400, severity: 'info', message: 'Invalid trunk setting {field}: {reason}' },
  SWB_TRUNK_IN_USE: { http: 409, severity: 'info', message: 'Trunk is still used by {count} number(s)' },

  // ---- outbound policy (toll fraud) ----
  SWB_CALL_CLASS_FORBIDDEN: {
    http: 403,
    sip: 403,
    severity: 'warn',
    message: 'The class of service of the SIP account does not allow this call: {reason}',
  },
  SWB_CALL_LIMIT: {
    http: 429,
    sip: 503,
    severity: 'warn',
    message: 'Outbound call limit reached: {reason} (max {max})',
  },
  SWB_TRUNK_SOURCE_CONFLICT: {
    http: 400,
    severity: 'warn',
    message:
      'Trunk source {source} overlaps a source of another tenant; only the platform operator can approve a shared source',
  },
  SWB_TRUNK_SOURCE_NOT_APPROVED: {
    http: 400,
    severity: 'warn',
    message:
      'Trunk source {source} is a range or has no port; give address:port, or ask the platform operator to approve the range',
  },

  // ---- acd / agents ----
  SWB_AGENT_NOT_MEMBER: {
    http: 409,
    severity: 'info',
    message: 'Agent {agentId} is not a member of skill group {queueId}',
  },

  // ---- secrets at rest ----
  SWB_SECRET_UNREADABLE: {
    http: 500,
    severity: 'error',
    message: 'A stored secret cannot be decrypted ({context}): {reason}',
  },
} as const satisfies Record<string, ErrorDef>;

export type ErrorCode = keyof typeof ERROR_CODES;
