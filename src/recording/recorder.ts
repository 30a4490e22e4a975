import type { Clock } from '../kernel/clock.js';
import type { EventBus } from '../kernel/domain-events.js';
import { newSortableId } from '../kernel/ids.js';
import type { Logger } from '../kernel/logger.js';
import { sha256Of } from './local-store.js';
import { CaptureSession } from './policy.js';
import type { RecordingIndexRepo, RecordingRow, RecordingStore } from './ports.js';

export interface StartRecording {
  tenantId: string;
  callId: string;
  legId: string;
  agentId?: string | null;
  orgUnitId?: string | null;
  queueId?: string | null;
  fromNumber?: string | null;
  toNumber?: string | null;
  channels: number;
  format: string;
}

/**
 * The index side of a recording's life: a row at start (state recording), completed at stop
 * with the stored file's size, the media plane's duration and a SHA-256 of the stored bytes;
 * failed when anything in between fails. The media port only captures; it calls start/stop.
 */
export function createRecorder(deps: {
  repo: RecordingIndexRepo;
  store: RecordingStore;
  clock: Clock;
  bus?: EventBus;
  logger: Logger;
}) {
  const sessions = new Map<string, { row: RecordingRow; capture: CaptureSession }>();

  const storageKey = (tenantId: string, id: string, at: number): string =>
    `recordings/${tenantId}/${new Date(at).toISOString().slice(0, 10)}/${id}.wav`;

  return {
    async start(s: StartRecording): Promise<RecordingRow> {
      const at = deps.clock.now();
      const id = newSortableId('recording', at);
      const row: RecordingRow = {
        id,
        tenant_id: s.tenantId,
        call_id: s.callId,
        leg_id: s.legId,
        agent_id: s.agentId ?? null,
        org_unit_id: s.orgUnitId ?? null,
        queue_id: s.queueId ?? null,
        from_number: s.fromNumber ?? null,
        to_number: s.toNumber ?? null,
        started_at: at,
        duration_ms: null,
        size_bytes: null,
        channels: s.channels,
        format: s.format,
        sha256: null,
        storage_key: storageKey(s.tenantId, id, at),
        state: 'recording',
        paused_spans: '[]',
        legal_hold: false,
        ended_at: null,
        purged_at: null,
      };
      await deps.repo.insert(row);
      sessions.set(id, { row, capture: new CaptureSession(deps.clock.monotonic()) });
      deps.bus?.safeEmit('recording.started', {
        tenantId: s.tenantId,
        recordingId: id,
        callId: s.callId,
        legId: s.legId,
        at,
      });
      return row;
    },

    pause(id: string): void {
      sessions.get(id)?.capture.pause(deps.clock.monotonic());
    },

    resume(id: string): void {
      sessions.get(id)?.capture.resume(deps.clock.monotonic());
    },

    /** The capture finished: store the file, hash it, complete the row. */
    async stop(
      id: string,
      done: { sourcePath: string; durationMs: number },
    ): Promise<RecordingRow | undefined> {
      const s = sessions.get(id);
      if (!s) return undefined;
      sessions.delete(id);
      const spans = s.capture.stop(deps.clock.monotonic());
      const { row } = s;
      const log = deps.logger.child({ tenantId: row.tenant_id, callId: row.call_id, recordingId: id });
      try {
        const stored = await deps.store.put(row.storage_key, done.sourcePath);
        const sha256 = await sha256Of(deps.store, row.storage_key);
        const endedAt = deps.clock.now();
        const fields = {
          duration_ms: done.durationMs,
          size_bytes: stored.size,
          sha256,
          ended_at: endedAt,
          paused_spans: JSON.stringify(spans),
        };
        await deps.repo.complete(row.tenant_id, id, fields);
        deps.bus?.safeEmit('recording.ready', {
          tenantId: row.tenant_id,
          recordingId: id,
          callId: row.call_id,
          durationMs: done.durationMs,
          bytes: stored.size,
          sha256,
          at: endedAt,
        });
        return { ...row, ...fields, state: 'complete' };
      } catch (err) {
        return await this.failed(row, (err as Error).message, log);
      }
    },

    /** The media plane reported a failure before a file existed. */
    async fail(id: string, reason: string): Promise<void> {
      const s = sessions.get(id);
      if (!s) return;
      sessions.delete(id);
      await this.failed(
        s.row,
        reason,
        deps.logger.child({ tenantId: s.row.tenant_id, callId: s.row.call_id }),
      );
    },

    async failed(row: RecordingRow, reason: string, log: Logger): Promise<RecordingRow> {
      const at = deps.clock.now();
      log.warn({ recordingId: row.id, reason }, 'recording failed');
      await deps.repo.fail(row.tenant_id, row.id, at);
      deps.bus?.safeEmit('recording.failed', {
        tenantId: row.tenant_id,
        recordingId: row.id,
        callId: row.call_id,
        reason,
        at,
      });
      return { ...row, state: 'failed', ended_at: at };
    },
  };
}

export type Recorder = ReturnType<typeof createRecorder>;
