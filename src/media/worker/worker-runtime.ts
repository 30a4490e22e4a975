/**
 * Everything one media worker owns (endpoints, bridges, recordings) and the request handler the
 * channel calls. Runs inside a worker thread in production; tests can run it in-process.
 */
import type { Clock } from '../../kernel/clock.js';
import { SwbError } from '../../kernel/errors.js';
import type { EndpointEmit, MediaLeg } from '../endpoint/media-leg.js';
import { RtpEndpoint } from '../endpoint/rtp-endpoint.js';
import type { MediaEventMap, MediaEventName, MediaRequest } from '../media-types.js';
import { AsyncFileSink } from '../wav/wav-writer.js';
import { Bridge } from './bridge.js';
import { Conference } from './conference.js';
import { DtmfTap } from './dtmf-tap.js';
import { LegPlayer } from './leg-player.js';
import { LegRecording } from './leg-recording.js';
import { RemoteBridgeHalf } from './remote-bridge.js';
import { Ticker } from './ticker.js';

const HOUSEKEEPING_TICKS = 5;

export type RuntimeEmit = <N extends MediaEventName>(target: string, name: N, body: MediaEventMap[N]) => void;

export interface WorkerRuntimeOptions {
  workerId: number;
  clock: Clock;
  emit: RuntimeEmit;
  /** Called by WORKER_DEBUG_EXIT (the thread entry exits the process-level worker). */
  exit?: (code: number) => void;
  rtcpIntervalMs?: number;
}

export class WorkerRuntime {
  readonly workerId: number;
  readonly #opts: WorkerRuntimeOptions;
  readonly endpoints = new Map<string, MediaLeg>();
  readonly bridges = new Map<string, Bridge | RemoteBridgeHalf>();
  readonly recordings = new Map<string, LegRecording>();
  readonly #dtmf = new Map<string, DtmfTap>();
  readonly #players = new Map<string, LegPlayer>();
  readonly conferences = new Map<string, Conference>();
  readonly #ticker: Ticker;
  #tickCount = 0;

  constructor(opts: WorkerRuntimeOptions) {
    this.#opts = opts;
    this.workerId = opts.workerId;
    this.#ticker = new Ticker(opts.clock, (now) => this.#tick(now));
  }

  #tick(now: number): void {
    for (const rec of this.recordings.values()) {
      rec.tick(now, (b) => this.#opts.emit(rec.id, 'record-progress', b));
    }
    for (const c of this.conferences.values()) c.tick(now);
    for (const p of this.#players.values()) if (p.active) p.tick(now);
    for (const d of this.#dtmf.values()) if (d.sending || d.finishing) d.tick(now);
    // housekeeping (no-RTP timeouts, RTCP, DTMF end timeouts) every 100 ms, not every tick
    if (++this.#tickCount % HOUSEKEEPING_TICKS !== 0) return;
    for (const ep of this.endpoints.values()) ep.tick(now);
    for (const d of this.#dtmf.values()) d.poll(now);
  }

  #endpoint(id: string): MediaLeg {
    const ep = this.endpoints.get(id);
    if (!ep) throw new SwbError('SWB_MEDIA_TARGET_NOT_FOUND', { target: id });
    return ep;
  }

  #updateTicker(): void {
    if (this.endpoints.size > 0) this.#ticker.start();
    else this.#ticker.stop();
  }

  async handle(req: MediaRequest): Promise<unknown> {
    const t = req.target;
    switch (req.method) {
      case 'WORKER_DUMP':
        return {
          endpoints: [...this.endpoints.keys()],
          bridges: [...this.bridges.keys()],
          conferences: [...this.conferences.keys()],
          recordings: [...this.recordings.keys()],
        };
      case 'WORKER_SHUTDOWN':
        await this.close();
        return {};
      case 'WORKER_DEBUG_EXIT':
        // exits at once, never replying: requests queued behind it stay pending, as in a crash
        this.#opts.exit?.(req.body.code);
        return {};
      case 'ENDPOINT_CREATE': {
        if (this.endpoints.has(t)) throw new SwbError('SWB_CONFLICT', { resource: `endpoint ${t}` });
        const clock = this.#opts.clock;
        const common = {
          id: t,
          now: () => clock.monotonic(),
          emit: ((name, body) => {
            // a digit from the leg interrupts its prompts (barge-in) before the event goes out
            if (name === 'dtmf') this.#players.get(t)?.dtmf((body as { digit: string }).digit);
            this.#opts.emit(t, name, body);
          }) as EndpointEmit,
          noRtpTimeoutMs: req.body.noRtpTimeoutMs ?? 0,
        };
        let ep: MediaLeg;
        if (req.body.kind === 'webrtc') {
          const { WebRtcEndpoint } = await import('../webrtc/webrtc-endpoint.js');
          ep = new WebRtcEndpoint({
            ...common,
            workerId: this.workerId,
            bindAddress: req.body.bindAddress,
            port: req.body.rtpPort,
            ...(req.body.announcedAddress ? { announcedAddress: req.body.announcedAddress } : {}),
          });
        } else {
          const rtp = new RtpEndpoint({ ...common, rtcpIntervalMs: this.#opts.rtcpIntervalMs ?? 5000 });
          await rtp.open(req.body.bindAddress, req.body.rtpPort, req.body.announcedAddress);
          ep = rtp;
        }
        this.endpoints.set(t, ep);
        this.#dtmf.set(t, new DtmfTap(ep));
        this.#players.set(t, new LegPlayer(ep, (body) => this.#opts.emit(t, 'play-finished', body)));
        this.#updateTicker();
        return { rtpPort: req.body.rtpPort, rtcpPort: req.body.rtpPort + 1, ssrc: ep.out.ssrc };
      }
      case 'ENDPOINT_SET_REMOTE': {
        const ep = this.#endpoint(t);
        if (req.body.kind === 'webrtc') {
          if (!('answer' in ep)) {
            throw new SwbError('SWB_MEDIA_BAD_REQUEST', {
              method: req.method,
              reason: 'not a WebRTC endpoint',
            });
          }
          const sdp = await (ep as MediaLeg & { answer(sdp: string): Promise<string> }).answer(req.body.sdp);
          return { sdp };
        }
        if (!(ep instanceof RtpEndpoint)) {
          throw new SwbError('SWB_MEDIA_BAD_REQUEST', { method: req.method, reason: 'not an RTP endpoint' });
        }
        const r = req.body;
        if (r.codec !== 'PCMU' && r.codec !== 'PCMA') {
          throw new SwbError('SWB_MEDIA_BAD_REQUEST', {
            method: req.method,
            reason: `codec ${String(r.codec)}`,
          });
        }
        if (!Number.isInteger(r.port) || r.port < 1 || r.port > 65535) {
          throw new SwbError('SWB_MEDIA_BAD_REQUEST', { method: req.method, reason: `port ${r.port}` });
        }
        ep.setRemote(r);
        this.#dtmf.get(t)?.setInband(r.inbandDtmf ?? r.telephoneEventPt === undefined);
        return {};
      }
      case 'ENDPOINT_STATS':
        return this.#endpoint(t).stats();
      case 'ENDPOINT_CLOSE': {
        const ep = this.endpoints.get(t);
        if (!ep) return {};
        await this.#closeEndpoint(ep);
        return {};
      }
      case 'BRIDGE_CREATE': {
        if (this.bridges.has(t)) throw new SwbError('SWB_CONFLICT', { resource: `bridge ${t}` });
        const peer = req.body.peer;
        if (peer) {
          const leg = this.#endpoint(peer.side === 'a' ? req.body.a : req.body.b);
          if (leg.sink) {
            peer.port.close();
            throw new SwbError('SWB_MEDIA_BAD_REQUEST', {
              method: req.method,
              reason: `endpoint ${leg.id} is already bridged`,
            });
          }
          const clock = this.#opts.clock;
          const half = new RemoteBridgeHalf(
            t,
            leg,
            peer.port,
            peer.codec,
            () => clock.monotonic(),
            () => {
              if (this.bridges.get(t) === half) this.bridges.delete(t);
            },
          );
          this.bridges.set(t, half);
          return { mode: half.mode };
        }
        const b = new Bridge(t, this.#endpoint(req.body.a), this.#endpoint(req.body.b));
        this.bridges.set(t, b);
        return { mode: b.mode };
      }
      case 'BRIDGE_CLOSE': {
        this.bridges.get(t)?.close();
        this.bridges.delete(t);
        return {};
      }
      case 'CONFERENCE_CREATE':
        if (this.conferences.has(t)) throw new SwbError('SWB_CONFLICT', { resource: `conference ${t}` });
        this.conferences.set(t, new Conference(t));
        return {};
      case 'CONFERENCE_ADD':
        this.#conference(t).add(this.#endpoint(req.body.endpointId), req.body.role, req.body.whisperTo);
        return {};
      case 'CONFERENCE_REMOVE':
        this.#conference(t).remove(req.body.endpointId);
        return {};
      case 'CONFERENCE_CLOSE':
        this.conferences.get(t)?.close();
        this.conferences.delete(t);
        return {};
      case 'RECORD_START': {
        if (this.recordings.has(t)) throw new SwbError('SWB_CONFLICT', { resource: `recording ${t}` });
        const ep = this.#endpoint(req.body.endpointId);
        const sink = new AsyncFileSink(req.body.path);
        await sink.idle();
        if (sink.error) {
          throw new SwbError('SWB_MEDIA_BAD_REQUEST', {
            method: req.method,
            reason: `cannot write ${req.body.path}`,
          });
        }
        if (ep.closed) {
          sink.close();
          throw new SwbError('SWB_MEDIA_TARGET_NOT_FOUND', { target: req.body.endpointId });
        }
        this.recordings.set(t, new LegRecording(t, ep, sink, req.body.channels === 1 ? 1 : 2));
        return {};
      }
      case 'RECORD_PAUSE':
        this.#recording(t).pause();
        return {};
      case 'RECORD_RESUME':
        this.#recording(t).resume();
        return {};
      case 'RECORD_STOP': {
        const rec = this.#recording(t);
        this.recordings.delete(t);
        const body = await rec.stop();
        this.#opts.emit(t, 'record-stopped', { ...body, reason: 'requested' });
        return body;
      }
      case 'PLAY': {
        this.#endpoint(t);
        const { playId, files, loop, interruptible } = req.body;
        if (!Array.isArray(files) || files.length === 0 || files.some((f) => typeof f !== 'string')) {
          throw new SwbError('SWB_MEDIA_BAD_REQUEST', {
            method: req.method,
            reason: 'files must be WAV paths',
          });
        }
        this.#players.get(t)!.play(playId, files, loop === true, interruptible !== false);
        return {};
      }
      case 'PLAY_STOP':
        this.#endpoint(t);
        this.#players.get(t)?.stop();
        return {};
      case 'DTMF_INJECT': {
        const ep = this.#endpoint(t);
        const { digit, durationMs } = req.body;
        if (typeof digit !== 'string' || !/^[0-9*#A-D]$/i.test(digit)) {
          throw new SwbError('SWB_MEDIA_BAD_REQUEST', {
            method: req.method,
            reason: 'one digit 0-9 * # A-D',
          });
        }
        ep.emit('dtmf', {
          digit: digit.toUpperCase(),
          durationMs: Math.max(0, durationMs | 0),
          source: 'info',
        });
        return {};
      }
      case 'DTMF_SEND': {
        const ep = this.#endpoint(t);
        const digits = req.body.digits;
        if (!/^[0-9*#A-D]{1,64}$/i.test(digits)) {
          throw new SwbError('SWB_MEDIA_BAD_REQUEST', {
            method: req.method,
            reason: 'digits must be 0-9 * # A-D',
          });
        }
        if (ep.telephoneEventPt < 0) {
          throw new SwbError('SWB_MEDIA_BAD_REQUEST', {
            method: req.method,
            reason: 'no telephone-event negotiated',
          });
        }
        const ms = Math.min(5000, Math.max(40, req.body.durationMs ?? 100));
        this.#dtmf.get(t)?.send(digits.toUpperCase(), ms);
        return {};
      }
      default:
        // unknown methods from a newer or broken control plane
        throw new SwbError('SWB_MEDIA_BAD_REQUEST', {
          method: (req as { method: string }).method,
          reason: 'not supported by this worker',
        });
    }
  }

  #conference(id: string): Conference {
    const c = this.conferences.get(id);
    if (!c) throw new SwbError('SWB_MEDIA_TARGET_NOT_FOUND', { target: id });
    return c;
  }

  #recording(id: string): LegRecording {
    const r = this.recordings.get(id);
    if (!r) throw new SwbError('SWB_MEDIA_TARGET_NOT_FOUND', { target: id });
    return r;
  }

  async #closeEndpoint(ep: MediaLeg): Promise<void> {
    this.endpoints.delete(ep.id);
    for (const [id, b] of this.bridges) {
      if (b.involves(ep)) {
        b.close();
        this.bridges.delete(id);
      }
    }
    const stops: Promise<void>[] = [];
    for (const [id, rec] of this.recordings) {
      if (rec.endpoint !== ep) continue;
      this.recordings.delete(id);
      stops.push(
        rec.stop().then(
          (body) => this.#opts.emit(id, 'record-stopped', { ...body, reason: 'endpoint-closed' }),
          () => this.#opts.emit(id, 'record-stopped', { ...rec.progress(), reason: 'error' }),
        ),
      );
    }
    for (const c of this.conferences.values()) c.remove(ep.id);
    this.#dtmf.get(ep.id)?.close();
    this.#dtmf.delete(ep.id);
    this.#players.get(ep.id)?.close();
    this.#players.delete(ep.id);
    ep.close();
    await Promise.all(stops);
    this.#updateTicker();
  }

  /** Closes everything (worker shutdown). */
  async close(): Promise<void> {
    await Promise.all([...this.endpoints.values()].map((ep) => this.#closeEndpoint(ep)));
    this.#ticker.stop();
  }
}
