/**
 * What the recording module needs from storage, declared here so storage implements it
 * structurally (it never imports this domain) and server.ts wires the two.
 */
import type { Readable } from 'node:stream';

export type RecordingMode = 'always' | 'never' | 'on_demand';
export type RecordingState = 'recording' | 'complete' | 'failed' | 'purged';

/** One tenant's recording policy; absent row = the defaults in DEFAULT_POLICY. */
export interface RecordingPolicyRow {
  tenant_id: string;
  mode: RecordingMode;
  /** Days a recording is kept; null = forever. */
  retention_days: number | null;
  updated_at: number;
}

/** A paused span, in milliseconds from the start of the file (silent in the file). */
export interface PausedSpan {
  fromMs: number;
  toMs: number;
}

/** The index row of one recording file. */
export interface RecordingRow {
  id: string;
  tenant_id: string;
  call_id: string;
  leg_id: string;
  /** Agent (user id) and their org unit at the time of the call; null until the ACD sets them. */
  agent_id: string | null;
  org_unit_id: string | null;
  queue_id: string | null;
  /** Caller and called numbers, for search. */
  from_number: string | null;
  to_number: string | null;
  started_at: number;
  duration_ms: number | null;
  size_bytes: number | null;
  channels: number;
  format: string;
  sha256: string | null;
  storage_key: string;
  state: RecordingState;
  /** JSON array of PausedSpan. */
  paused_spans: string;
  legal_hold: boolean;
  ended_at: number | null;
  purged_at: number | null;
}

export interface RecordingSearch {
  tenantId: string;
  from?: number;
  to?: number;
  callId?: string;
  agentId?: string;
  queueId?: string;
  /** Matches the caller or the called number exactly. */
  number?: string;
  /** Restricts to these org units (team / center scope) or this agent (self scope). */
  orgUnitIds?: string[];
  onlyAgentId?: string;
  /** Opaque cursor from the previous page (started_at:id of its last row). */
  cursor?: string;
  limit: number;
}

export interface RecordingIndexRepo {
  insert(row: RecordingRow): Promise<void>;
  get(tenantId: string, id: string): Promise<RecordingRow | undefined>;
  complete(
    tenantId: string,
    id: string,
    done: { duration_ms: number; size_bytes: number; sha256: string; ended_at: number; paused_spans: string },
  ): Promise<void>;
  fail(tenantId: string, id: string, endedAt: number): Promise<void>;
  setLegalHold(tenantId: string, id: string, hold: boolean): Promise<void>;
  markPurged(tenantId: string, id: string, at: number): Promise<void>;
  /** Complete or failed rows older than `before`, not on legal hold, at most `limit`. */
  purgeable(tenantId: string, before: number, limit: number): Promise<RecordingRow[]>;
  search(q: RecordingSearch): Promise<{ rows: RecordingRow[]; next: string | null }>;
}

export interface RecordingPolicyRepo {
  get(tenantId: string): Promise<RecordingPolicyRow | undefined>;
  put(row: RecordingPolicyRow): Promise<void>;
  /** Tenants that have a retention limit. */
  withRetention(): Promise<RecordingPolicyRow[]>;
}

export interface StoredObject {
  key: string;
  size: number;
}

/** Where recording files live: a local folder by default; object storage can replace it. */
export interface RecordingStore {
  /** Moves (or copies) the finished file at `sourcePath` under `key`. */
  put(key: string, sourcePath: string): Promise<StoredObject>;
  /** A stream of the bytes [start, end] inclusive (whole file when omitted). */
  openReadStream(key: string, range?: { start: number; end: number }): Promise<Readable>;
  stat(key: string): Promise<StoredObject | undefined>;
  delete(key: string): Promise<void>;
}

/** Who listened to what: one entry per access (the tenants module's audit log implements it). */
export interface RecordingAuditSink {
  record(e: {
    tenantId: string;
    actorId: string;
    action: 'recording.search' | 'recording.download' | 'recording.legal_hold';
    recordingId: string | null;
    detail: Record<string, unknown>;
    at: number;
  }): Promise<void>;
}
