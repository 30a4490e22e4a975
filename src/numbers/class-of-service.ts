/**
 * Class of service of a SIP account (toll-fraud defence): which outside numbers a phone may
 * dial over its tenant's trunk. Pure.
 *
 * - `internal`: extensions of its own tenant only (registered users are reached before any
 *   trunk is considered, so nothing that goes out over a trunk is allowed — except emergency);
 * - `national`: plus numbers in the trunk's own country (same E.164 country code);
 * - `international`: plus everything.
 *
 * Emergency numbers (the trunk country's and the GSM-wide 112) are allowed for every class:
 * nobody must die because a phone was set to `internal`, and they earn a fraudster nothing.
 * They are dialled as written (short codes have no E.164 form) and exempt from the per-account
 * and per-tenant call limits (not from the trunk's own capacity).
 *
 * NANP (+1) spans 20+ countries that share the code: a +1 trunk counts all of +1 as national,
 * which includes Caribbean destinations known for premium fraud (+1 876, +1 284, …) — a tenant
 * on a +1 trunk who cares should keep accounts `internal` or use a carrier-side block.
 */

export const CLASSES_OF_SERVICE = ['internal', 'national', 'international'] as const;
export type ClassOfService = (typeof CLASSES_OF_SERVICE)[number];

/** What a dialled outside number is, relative to the trunk it would leave over. */
export type Destination = 'emergency' | 'national' | 'international';

/** Short emergency codes by E.164 country code; 112 is answered on every GSM network. */
const EMERGENCY: Record<string, readonly string[]> = {
  // China: police, fire, ambulance, traffic police
  '86': ['110', '119', '120', '122'],
  '1': ['911'],
  '44': ['999'],
  '61': ['000'],
  '81': ['110', '119'],
  '852': ['999'],
};
const EVERYWHERE = ['112'];

/** True when `dialled` (digits as the phone sent them) is an emergency code in `country`. */
export function isEmergency(dialled: string, country: string): boolean {
  return EVERYWHERE.includes(dialled) || (EMERGENCY[country]?.includes(dialled) ?? false);
}

/** Emergency, national or international, for an E.164 number over a trunk of `country`. */
export function destinationOf(e164: string, country: string): Destination {
  return e164.startsWith(`+${country}`) ? 'national' : 'international';
}

/** Whether `cls` may call `dest`. */
export function permits(cls: ClassOfService, dest: Destination): boolean {
  if (dest === 'emergency') return true;
  if (cls === 'international') return true;
  return cls === 'national' && dest === 'national';
}

export function isClassOfService(v: unknown): v is ClassOfService {
  return typeof v === 'string' && (CLASSES_OF_SERVICE as readonly string[]).includes(v);
}
