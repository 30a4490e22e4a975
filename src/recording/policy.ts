import { SwbError } from '../kernel/errors.js';
import type { PausedSpan, RecordingMode, RecordingPolicyRepo, RecordingPolicyRow } from './ports.js';

export const DEFAULT_POLICY: Omit<RecordingPolicyRow, 'tenant_id' | 'updated_at'> = {
  mode: 'never',
  retention_days: null,
};

/**
 * Whether a new bridged call starts recording. `on_demand` starts nothing: an agent or the API
 * asks for it later (requested = true).
 */
export function shouldRecord(mode: RecordingMode, requested = false): boolean {
  if (mode === 'always') return true;
  if (mode === 'on_demand') return requested;
  return false;
}

/** Reads a tenant's policy with defaults (explicit deps: the repository only). */
export function createRecordingPolicyService(deps: { repo: RecordingPolicyRepo; now: () => number }) {
  return {
    async policyOf(tenantId: string): Promise<RecordingPolicyRow> {
      return (await deps.repo.get(tenantId)) ?? { tenant_id: tenantId, updated_at: 0, ...DEFAULT_POLICY };
    },
    async setPolicy(tenantId: string, mode: RecordingMode, retentionDays: number | null): Promise<void> {
      if (retentionDays !== null && (!Number.isInteger(retentionDays) || retentionDays < 1)) {
        throw new SwbError('SWB_VALIDATION', {
          field: 'retention_days',
          reason: 'a whole number of days ≥ 1',
        });
      }
      await deps.repo.put({
        tenant_id: tenantId,
        mode,
        retention_days: retentionDays,
        updated_at: deps.now(),
      });
    },
  };
}

export enum CaptureState {
  Recording = 'recording',
  Paused = 'paused',
  Stopped = 'stopped',
}

const TRANSITIONS: Record<CaptureState, CaptureState[]> = {
  [CaptureState.Recording]: [CaptureState.Paused, CaptureState.Stopped],
  [CaptureState.Paused]: [CaptureState.Recording, CaptureState.Stopped],
  [CaptureState.Stopped]: [],
};

/**
 * The pause/resume state of one recording (e.g. paused while a card number is read). The media
 * plane writes silence while paused; this tracks the spans so the index row can say where they are.
 * Times are milliseconds on the caller's monotonic clock.
 */
export class CaptureSession {
  #state = CaptureState.Recording;
  readonly #startedAt: number;
  #pausedAt = 0;
  readonly #spans: PausedSpan[] = [];

  constructor(startedAt: number) {
    this.#startedAt = startedAt;
  }

  get state(): CaptureState {
    return this.#state;
  }

  #go(to: CaptureState): void {
    if (!TRANSITIONS[this.#state].includes(to)) {
      throw new SwbError('SWB_ILLEGAL_TRANSITION', { machine: 'recording', from: this.#state, to });
    }
    this.#state = to;
  }

  pause(at: number): void {
    this.#go(CaptureState.Paused);
    this.#pausedAt = at;
  }

  resume(at: number): void {
    this.#go(CaptureState.Recording);
    this.#spans.push({ fromMs: this.#pausedAt - this.#startedAt, toMs: at - this.#startedAt });
  }

  /** Stops; a pause still open at the stop closes at the stop. Returns the paused spans. */
  stop(at: number): PausedSpan[] {
    const wasPaused = this.#state === CaptureState.Paused;
    this.#go(CaptureState.Stopped);
    if (wasPaused) this.#spans.push({ fromMs: this.#pausedAt - this.#startedAt, toMs: at - this.#startedAt });
    return [...this.#spans];
  }
}
