/**
 * Test helpers for media integration tests: a raw-UDP RTP peer on 127.0.0.1 that sends a G.711
 * tone at 20 ms pacing and records what it receives, a Goertzel tone measure, and a WAV reader.
 */

import dgram from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { ALAW_DECODE, ALAW_ENCODE, ULAW_DECODE, ULAW_ENCODE } from '../../../src/media/codecs/g711.js';
import { until } from '../../support/wait-for.js';

export interface ReceivedPacket {
  pt: number;
  seq: number;
  ts: number;
  ssrc: number;
  marker: boolean;
  payload: Buffer;
  from: { address: string; port: number };
  /** performance.now() when the test process handled the datagram. */
  at: number;
}

export class RtpPeer {
  readonly socket: dgram.Socket;
  readonly received: ReceivedPacket[] = [];
  ssrc = (Math.random() * 0xffffffff) >>> 0;
  seq = 1000;
  ts = 5000;
  #phase = 0;

  private constructor(socket: dgram.Socket) {
    this.socket = socket;
    socket.on('message', (buf, rinfo) => {
      if (buf.length < 12) return;
      this.received.push({
        pt: buf[1]! & 0x7f,
        marker: (buf[1]! & 0x80) !== 0,
        seq: buf.readUInt16BE(2),
        ts: buf.readUInt32BE(4),
        ssrc: buf.readUInt32BE(8),
        payload: Buffer.from(buf.subarray(12)),
        from: { address: rinfo.address, port: rinfo.port },
        at: performance.now(),
      });
    });
  }

  static async open(port = 0): Promise<RtpPeer> {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((res, rej) => {
      s.once('error', rej);
      s.bind(port, '127.0.0.1', () => res());
    });
    return new RtpPeer(s);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** One 20 ms G.711 packet of a sine tone (continuing phase). */
  tonePacket(freq: number, codec: 'PCMU' | 'PCMA', amplitude = 8000, pt?: number): Buffer {
    const b = Buffer.alloc(12 + 160);
    b[0] = 0x80;
    b[1] = pt ?? (codec === 'PCMU' ? 0 : 8);
    b.writeUInt16BE(this.seq & 0xffff, 2);
    b.writeUInt32BE(this.ts >>> 0, 4);
    b.writeUInt32BE(this.ssrc >>> 0, 8);
    const enc = codec === 'PCMU' ? ULAW_ENCODE : ALAW_ENCODE;
    for (let i = 0; i < 160; i++) {
      const s = Math.round(amplitude * Math.sin(this.#phase));
      this.#phase += (2 * Math.PI * freq) / 8000;
      b[12 + i] = enc[s & 0xffff]!;
    }
    this.seq = (this.seq + 1) & 0xffff;
    this.ts = (this.ts + 160) >>> 0;
    return b;
  }

  send(buf: Buffer, port: number): void {
    this.socket.send(buf, port, '127.0.0.1');
  }

  /** Sends `count` tone packets at 20 ms pacing to 127.0.0.1:port (bounded, real time). */
  async sendTone(freq: number, count: number, port: number, codec: 'PCMU' | 'PCMA' = 'PCMU'): Promise<void> {
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      this.send(this.tonePacket(freq, codec), port);
      const due = start + (i + 1) * 20;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    }
  }

  /** Decoded audio of everything received (in arrival order). */
  decoded(codec: 'PCMU' | 'PCMA'): Int16Array {
    const table = codec === 'PCMU' ? ULAW_DECODE : ALAW_DECODE;
    const out: number[] = [];
    for (const p of this.received) for (const b of p.payload) out.push(table[b]!);
    return Int16Array.from(out);
  }

  close(): Promise<void> {
    return new Promise((r) => this.socket.close(() => r()));
  }
}

/** Fraction of the signal energy at `freq` (Goertzel over the whole buffer, 0..1). */
export function toneRatio(samples: Int16Array, freq: number, rate = 8000): number {
  const n = samples.length;
  if (n === 0) return 0;
  const k = Math.round((n * freq) / rate);
  const w = (2 * Math.PI * k) / n;
  const coef = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  let energy = 0;
  for (let i = 0; i < n; i++) {
    const x = samples[i]!;
    energy += x * x;
    const s0 = x + coef * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  if (energy === 0) return 0;
  const power = s1 * s1 + s2 * s2 - coef * s1 * s2;
  return (2 * power) / (n * energy);
}

/** Milliseconds of `samples` where 20 ms blocks carry the tone (ratio ≥ 0.5 and audible). */
export function toneDurationMs(samples: Int16Array, freq: number): number {
  let ms = 0;
  for (let o = 0; o + 160 <= samples.length; o += 160) {
    const block = samples.subarray(o, o + 160);
    let peak = 0;
    for (const s of block) peak = Math.max(peak, Math.abs(s));
    if (peak > 500 && toneRatio(block, freq) >= 0.5) ms += 20;
  }
  return ms;
}

export interface Wav {
  channels: number;
  sampleRate: number;
  data: Int16Array[];
  durationMs: number;
}

/** Reads a PCM16 WAV, walking the RIFF chunks (fmt, data; others such as cue/LIST are skipped). */
export async function readWav(path: string): Promise<Wav> {
  const b = await readFile(path);
  if (b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE')
    throw new Error('not a WAV');
  let channels = 0;
  let sampleRate = 0;
  let dataOff = -1;
  let dataLen = 0;
  for (let o = 12; o + 8 <= b.length; ) {
    const id = b.toString('ascii', o, o + 4);
    const len = b.readUInt32LE(o + 4);
    if (id === 'fmt ') {
      channels = b.readUInt16LE(o + 10);
      sampleRate = b.readUInt32LE(o + 12);
    } else if (id === 'data') {
      dataOff = o + 8;
      // a writer killed before its last header patch leaves 0 or a short length: take what is there
      dataLen = len === 0 || dataOff + len > b.length ? b.length - dataOff : len;
      break;
    }
    o += 8 + len + (len & 1);
  }
  if (dataOff < 0 || channels === 0) throw new Error('no fmt/data chunk');
  const frames = Math.floor(dataLen / (2 * channels));
  const data = Array.from({ length: channels }, () => new Int16Array(frames));
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) data[c]![i] = b.readInt16LE(dataOff + (i * channels + c) * 2);
  }
  return { channels, sampleRate, data, durationMs: (frames / sampleRate) * 1000 };
}

/** Resolves when `pred` holds; rejects after `ms` with what it waited for (the one `until`). */
export async function waitFor(pred: () => boolean, ms: number, what: string): Promise<void> {
  await until(what, pred, { deadlineMs: ms, everyMs: 10 });
}
