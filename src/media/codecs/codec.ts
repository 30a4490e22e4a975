/**
 * Codec interface of the media plane. G.711 (PCMU/PCMA) is implemented with lookup tables;
 * Opus and G.722 plug in here later (they keep their own state per instance).
 */
import { SwbError } from '../../kernel/errors.js';
import { PCMA, PCMU } from './g711.js';

export interface AudioCodec {
  readonly name: string;
  /** Static RTP payload type (RFC 3551): PCMU 0, PCMA 8. Dynamic codecs report their negotiated one. */
  readonly payloadType: number;
  /** RTP clock rate in Hz. */
  readonly clockRate: number;
  /** Encodes `pcm` (8 kHz mono) into `out`; returns bytes written. Never allocates. */
  encode(pcm: Int16Array, out: Uint8Array): number;
  /** Decodes `payload` into `out`; returns samples written (bounded by `out.length`). Never allocates. */
  decode(payload: Uint8Array, out: Int16Array): number;
  /** decode() on `len` bytes of `buf` from `offset` (no subarray allocation on the packet path). */
  decodeFrom(buf: Uint8Array, offset: number, len: number, out: Int16Array): number;
  /** encode() of the first `samples` samples of `pcm` into `out` from `offset`. */
  encodeTo(pcm: Int16Array, samples: number, out: Uint8Array, offset: number): number;
}

export type CodecName = 'PCMU' | 'PCMA';

/** The codec for an SDP/RTP name. Throws SWB_MEDIA_CODEC_UNSUPPORTED for unknown names (setup path only). */
export function codecByName(name: CodecName): AudioCodec {
  const upper = String(name).toUpperCase();
  if (upper === 'PCMU') return PCMU;
  if (upper === 'PCMA') return PCMA;
  throw new SwbError('SWB_MEDIA_CODEC_UNSUPPORTED', { codec: name });
}

/** The codec for a static payload type, or null (safe on the packet path). */
export function codecByPayloadType(pt: number): AudioCodec | null {
  if (pt === 0) return PCMU;
  if (pt === 8) return PCMA;
  return null;
}
