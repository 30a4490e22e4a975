/** Types of the numbers module: numbers, routing rules, trunks (API shapes, camelCase). */

/** did: a direct number; 400/800: service numbers (智能网); access: an access number (接入号). */
export const NUMBER_KINDS = ['did', '400', '800', 'access'] as const;
export type NumberKind = (typeof NUMBER_KINDS)[number];

/** A weekly time window in local time; `to` before `from` spans midnight. */
export interface TimeWindow {
  /** ISO weekdays the window opens on (1 = Monday … 7 = Sunday); all days when omitted. */
  weekdays?: number[] | undefined;
  /** 'HH:MM', inclusive. */
  from: string;
  /** 'HH:MM' (24:00 allowed), exclusive. */
  to: string;
}

/** Conditions of a rule; all given conditions must hold. No condition at all = catch-all. */
export interface RuleMatch {
  timeWindows?: TimeWindow[] | undefined;
  /** Only on these local dates (holidays, YYYY-MM-DD). */
  dates?: string[] | undefined;
  /** Never on these local dates. */
  exceptDates?: string[] | undefined;
  /** Caller number starts with one of these E.164 prefixes (area codes, mobile prefixes). */
  callerPrefixes?: string[] | undefined;
  /** Caller number is one of these (VIP green channel). */
  vipCallers?: string[] | undefined;
}

export interface RoutingRule {
  id: string;
  name: string;
  enabled: boolean;
  match: RuleMatch;
  entryPoint: string;
}

/** What the router needs of one number. */
export interface PlanNumber {
  id: string;
  tenantId: string;
  number: string;
  kind: NumberKind;
  enabled: boolean;
  /** Used when no rule matches. */
  entryPoint: string | null;
  /** Overrides the tenant's time zone for this number's rules. */
  timeZone: string | null;
  rules: RoutingRule[];
  /** For 400/800 numbers: the access numbers they are bound to. */
  accessNumberIds: string[];
}

export type RouteReason =
  | 'rule'
  | 'default'
  | 'access-number-rule'
  | 'access-number-default'
  | 'no-match'
  | 'unknown-number'
  | 'disabled';

export interface RouteDecision {
  /** Where the call goes; null when it cannot be routed. */
  entryPoint: string | null;
  ruleId: string | null;
  reason: RouteReason;
  tenantId: string | null;
  /** The number that was called (as the carrier delivered it, normalized). */
  calledNumberId: string | null;
  /** The number whose rules decided (the 400 number when a 400 arrived over an access number). */
  servedNumberId: string | null;
  servedNumber: string | null;
  /** Human-readable steps, for the route-test endpoint and logs. */
  trace: string[];
}

export const TRUNK_DIRECTIONS = ['inbound', 'outbound', 'both'] as const;
export type TrunkDirection = (typeof TRUNK_DIRECTIONS)[number];
export const TRUNK_TRANSPORTS = ['udp', 'tcp', 'tls'] as const;
export type TrunkTransport = (typeof TRUNK_TRANSPORTS)[number];
export const INBOUND_AUTH_MODES = ['ip', 'digest'] as const;
export type InboundAuthMode = (typeof INBOUND_AUTH_MODES)[number];
export const REGISTRATION_STATES = ['unregistered', 'registering', 'registered', 'failed'] as const;
export type RegistrationState = (typeof REGISTRATION_STATES)[number];
