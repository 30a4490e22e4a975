/**
 * The media plane as the control plane sees it: a pool of media workers (one per core by
 * default) behind typed channels, an RTP port allocator, and proxies for endpoints, bridges and
 * recordings. A worker that dies is restarted; every endpoint it held emits 'endpoint-lost'
 * (on the endpoint and on the plane) so the call layer tears those calls down with a reason.
 */
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { type Clock, systemClock } from '../kernel/clock.js';
import { isSwbError, SwbError } from '../kernel/errors.js';
import { TypedEmitter } from '../kernel/events.js';
import { newId } from '../kernel/ids.js';
import { type Logger, silentLogger } from '../kernel/logger.js';
import type { BridgeMode, EndpointKind, MediaEventMap } from './media-types.js';
import { MediaBridge, MediaConference, MediaEndpoint, MediaRecording } from './plane-objects.js';
import { PortAllocator } from './ports.js';
import { WorkerHandle } from './worker/worker-handle.js';

export interface MediaPlaneOptions {
  /** Worker threads (default: one per core). */
  workers?: number;
  rtpPortMin: number;
  rtpPortMax: number;
  recordingsDir: string;
  /** Address put in SDP (c=). Sockets bind to `bindAddress` (default: publicAddress). */
  publicAddress: string;
  bindAddress?: string;
  clock?: Clock;
  logger?: Logger;
  requestTimeoutMs?: number;
  /** Raise 'endpoint-timeout' after this long without RTP (0 = never; default 30 s). */
  noRtpTimeoutMs?: number;
  rtcpIntervalMs?: number;
}

export type MediaPlaneEvents = {
  'endpoint-lost': [endpointId: string, body: MediaEventMap['endpoint-lost']];
  'worker-died': [workerId: number, reason: string, endpointIds: string[]];
  'worker-restarted': [workerId: number];
};

interface Slot {
  handle: WorkerHandle | null;
  endpoints: Map<string, MediaEndpoint>;
  bridges: Map<string, MediaBridge>;
  conferences: Map<string, MediaConference>;
  recordings: Map<string, MediaRecording>;
}

const BIND_ATTEMPTS = 8;

export class MediaPlane extends TypedEmitter<MediaPlaneEvents> {
  readonly #opts: MediaPlaneOptions;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #ports: PortAllocator;
  readonly #slots: Slot[] = [];
  readonly #endpointSlot = new Map<string, Slot>();
  readonly #portOf = new Map<string, number>();
  #closed = false;

  private constructor(opts: MediaPlaneOptions) {
    super((err) => (opts.logger ?? silentLogger).error({ err }, 'media plane listener threw'));
    this.#opts = opts;
    this.#clock = opts.clock ?? systemClock;
    this.#logger = opts.logger ?? silentLogger;
    this.#ports = new PortAllocator(opts.rtpPortMin, opts.rtpPortMax);
  }

  static async create(opts: MediaPlaneOptions): Promise<MediaPlane> {
    const plane = new MediaPlane(opts);
    const n = Math.max(1, opts.workers ?? availableParallelism());
    try {
      for (let i = 0; i < n; i++) {
        const slot: Slot = {
          handle: null,
          endpoints: new Map(),
          bridges: new Map(),
          conferences: new Map(),
          recordings: new Map(),
        };
        plane.#slots.push(slot);
        slot.handle = await plane.#spawn(i, slot);
      }
    } catch (err) {
      await plane.close();
      throw err;
    }
    return plane;
  }

  get workerCount(): number {
    return this.#slots.length;
  }

  get ports(): { inUse: number; capacity: number } {
    return { inUse: this.#ports.inUse, capacity: this.#ports.capacity };
  }

  async #spawn(workerId: number, slot: Slot): Promise<WorkerHandle> {
    const h = await WorkerHandle.spawn({
      workerId,
      clock: this.#clock,
      logger: this.#logger,
      ...(this.#opts.requestTimeoutMs !== undefined ? { requestTimeoutMs: this.#opts.requestTimeoutMs } : {}),
      ...(this.#opts.rtcpIntervalMs !== undefined ? { rtcpIntervalMs: this.#opts.rtcpIntervalMs } : {}),
    });
    h.on('died', (reason) => void this.#onWorkerDied(workerId, slot, reason));
    return h;
  }

  async #onWorkerDied(workerId: number, slot: Slot, reason: string): Promise<void> {
    slot.handle = null;
    const lost = [...slot.endpoints.values()];
    const recordings = [...slot.recordings.values()];
    const bridges = [...slot.bridges.values(), ...slot.conferences.values()];
    slot.conferences.clear();
    slot.endpoints.clear();
    slot.recordings.clear();
    slot.bridges.clear();
    for (const b of bridges) b.parentClosed();
    for (const ep of lost) this.#forget(ep.id);
    this.safeEmit(
      'worker-died',
      workerId,
      reason,
      lost.map((e) => e.id),
    );
    for (const ep of lost) ep.workerDied('worker-died', reason);
    for (const rec of recordings) rec.workerDied(await onDisk(rec.path));
    if (this.#closed) return;
    try {
      const h = await this.#spawn(workerId, slot);
      if (this.#closed) {
        await h.close();
        return;
      }
      slot.handle = h;
      this.safeEmit('worker-restarted', workerId);
    } catch (err) {
      this.#logger.error({ err, workerId }, 'media worker restart failed');
    }
  }

  #forget(endpointId: string): void {
    this.#endpointSlot.delete(endpointId);
    const port = this.#portOf.get(endpointId);
    this.#portOf.delete(endpointId);
    if (port !== undefined) this.#ports.release(port);
  }

  #pickSlot(near?: string): Slot {
    if (near) {
      const s = this.#endpointSlot.get(near);
      if (s?.handle?.alive) return s;
    }
    let best: Slot | null = null;
    for (const s of this.#slots) {
      if (!s.handle?.alive) continue;
      if (!best || s.endpoints.size < best.endpoints.size) best = s;
    }
    if (!best) throw new SwbError('SWB_MEDIA_WORKER_DIED', { workerId: 'all' });
    return best;
  }

  /**
   * Creates an endpoint on the least loaded worker, or on the worker of `near` (legs that will be
   * bridged must share a worker: create the second leg near the first).
   */
  async createEndpoint(
    opts: { kind?: EndpointKind; near?: string; noRtpTimeoutMs?: number } = {},
  ): Promise<MediaEndpoint> {
    if (this.#closed) throw new SwbError('SWB_CLOSED', { what: 'media plane' });
    const kind = opts.kind ?? 'rtp';
    const slot = this.#pickSlot(opts.near);
    const handle = slot.handle!;
    const id = `ep_${newId('leg').slice(4)}`;
    for (let attempt = 0; ; attempt++) {
      const port = this.#ports.allocate();
      try {
        const r = await handle.channel.request('ENDPOINT_CREATE', id, {
          kind,
          bindAddress: this.#opts.bindAddress ?? this.#opts.publicAddress,
          rtpPort: port,
          noRtpTimeoutMs: opts.noRtpTimeoutMs ?? this.#opts.noRtpTimeoutMs ?? 30_000,
          announcedAddress: this.#opts.publicAddress,
        });
        const ep = new MediaEndpoint(
          {
            id,
            workerId: handle.workerId,
            kind,
            address: this.#opts.publicAddress,
            rtpPort: r.rtpPort,
            ssrc: r.ssrc,
          },
          handle.channel,
        );
        slot.endpoints.set(id, ep);
        this.#endpointSlot.set(id, slot);
        this.#portOf.set(id, port);
        ep.on('endpoint-lost', (body) => this.safeEmit('endpoint-lost', id, body));
        ep.on('@close', () => {
          if (slot.endpoints.get(id) === ep) {
            slot.endpoints.delete(id);
            this.#forget(id);
          }
        });
        return ep;
      } catch (err) {
        if (isSwbError(err, 'SWB_MEDIA_PORT_IN_USE') && attempt + 1 < BIND_ATTEMPTS) {
          this.#ports.quarantine(port);
          continue;
        }
        this.#ports.release(port);
        throw err;
      }
    }
  }

  /**
   * Bridges two endpoints (packet relay; G.711 transcoded if the codecs differ). Legs on one worker
   * relay directly; legs on two workers exchange packets over a MessageChannel (a copy and a
   * message per packet: create legs `near` each other when you can).
   */
  async bridge(a: MediaEndpoint, b: MediaEndpoint): Promise<MediaBridge> {
    const slotA = this.#endpointSlot.get(a.id);
    const slotB = this.#endpointSlot.get(b.id);
    if (!slotA?.handle || !slotB?.handle || a.closed || b.closed) {
      throw new SwbError('SWB_MEDIA_BAD_REQUEST', {
        method: 'BRIDGE_CREATE',
        reason: 'both endpoints must be open',
      });
    }
    const id = `br_${newId('leg').slice(4)}`;
    const ca = slotA.handle.channel;
    const cb = slotB.handle.channel;
    let mode: BridgeMode;
    if (slotA === slotB) {
      mode = (await ca.request('BRIDGE_CREATE', id, { a: a.id, b: b.id })).mode;
    } else {
      const { port1, port2 } = new MessageChannel();
      const results = await Promise.allSettled([
        ca.request(
          'BRIDGE_CREATE',
          id,
          { a: a.id, b: b.id, peer: { side: 'a', port: port1, codec: b.codec } },
          { transfer: [port1] },
        ),
        cb.request(
          'BRIDGE_CREATE',
          id,
          { a: a.id, b: b.id, peer: { side: 'b', port: port2, codec: a.codec } },
          { transfer: [port2] },
        ),
      ]);
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) {
        await Promise.all([ca, cb].map((c) => c.request('BRIDGE_CLOSE', id, {}).catch(() => {})));
        throw (failed as PromiseRejectedResult).reason;
      }
      mode = (results[0] as PromiseFulfilledResult<{ mode: BridgeMode }>).value.mode;
    }
    const br = new MediaBridge(
      { id, workerId: slotA.handle.workerId, mode, a: a.id, b: b.id },
      ca,
      slotA === slotB ? undefined : cb,
    );
    slotA.bridges.set(id, br);
    slotB.bridges.set(id, br);
    br.on('@close', () => {
      slotA.bridges.delete(id);
      slotB.bridges.delete(id);
    });
    const onLegClose = () => br.parentClosed();
    a.once('@close', onLegClose);
    b.once('@close', onLegClose);
    return br;
  }

  /** A conference on the worker of `near` (its members must live on that worker: create them near it). */
  async createConference(near: MediaEndpoint): Promise<MediaConference> {
    const slot = this.#endpointSlot.get(near.id);
    if (!slot?.handle) throw new SwbError('SWB_MEDIA_TARGET_NOT_FOUND', { target: near.id });
    const id = `cf_${newId('leg').slice(4)}`;
    await slot.handle.channel.request('CONFERENCE_CREATE', id, {});
    const conf = new MediaConference({ id, workerId: slot.handle.workerId }, slot.handle.channel);
    slot.conferences.set(id, conf);
    conf.on('@close', () => slot.conferences.delete(id));
    return conf;
  }

  /** Records one leg: two channels (what the leg says / what it hears) unless `channels: 1`. */
  async record(ep: MediaEndpoint, opts: { path?: string; channels?: 1 | 2 } = {}): Promise<MediaRecording> {
    const slot = this.#endpointSlot.get(ep.id);
    if (!slot?.handle) throw new SwbError('SWB_MEDIA_TARGET_NOT_FOUND', { target: ep.id });
    const id = `rec_${newId('leg').slice(4)}`;
    const path = opts.path ?? join(this.#opts.recordingsDir, `${id}.wav`);
    await slot.handle.channel.request('RECORD_START', id, {
      endpointId: ep.id,
      path,
      channels: opts.channels ?? 2,
    });
    const rec = new MediaRecording(
      { id, workerId: slot.handle.workerId, path, endpointId: ep.id },
      slot.handle.channel,
    );
    slot.recordings.set(id, rec);
    rec.on('@close', () => slot.recordings.delete(id));
    return rec;
  }

  /** Operations view: workers (alive, endpoints held) and RTP ports in use. */
  stats(): {
    workers: Array<{ workerId: number; alive: boolean; endpoints: number }>;
    ports: { inUse: number; capacity: number };
  } {
    return {
      workers: this.#slots.map((s, i) => ({
        workerId: i,
        alive: s.handle?.alive === true,
        endpoints: s.endpoints.size,
      })),
      ports: this.ports,
    };
  }

  /**
   * Test and operations hook: makes worker `workerId` exit at once as if it had crashed. Resolves
   * when the request has been sent (the death is reported through 'worker-died').
   */
  killWorkerForTesting(workerId: number): void {
    const h = this.#slots[workerId]?.handle;
    if (!h) throw new SwbError('SWB_MEDIA_TARGET_NOT_FOUND', { target: `worker-${workerId}` });
    h.channel.request('WORKER_DEBUG_EXIT', `worker-${workerId}`, { code: 70 }).catch(() => {});
  }

  /** Which worker holds an endpoint (undefined once it is gone). */
  workerOf(endpointId: string): number | undefined {
    return this.#endpointSlot.get(endpointId)?.handle?.workerId;
  }

  /** Closes every worker (recordings flushed first). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#slots.map((s) => s.handle?.close()));
    for (const s of this.#slots) {
      for (const b of s.bridges.values()) b.parentClosed();
      s.handle = null;
    }
  }
}

async function onDisk(path: string): Promise<{ path: string; durationMs: number; bytes: number }> {
  try {
    const st = await stat(path);
    return { path, bytes: st.size, durationMs: Math.round((Math.max(0, st.size - 44) / 32000) * 1000) };
  } catch {
    return { path, bytes: 0, durationMs: 0 };
  }
}

export type { MediaBridge, MediaConference, MediaEndpoint, MediaRecording } from './plane-objects.js';

export function createMediaPlane(opts: MediaPlaneOptions): Promise<MediaPlane> {
  return MediaPlane.create(opts);
}
