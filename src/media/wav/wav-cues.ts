/**
 * WAV cue points: a `cue ` chunk (positions in sample frames) plus a `LIST`/`adtl` chunk with a
 * `labl` label per cue, written after the data chunk. Audio tools (sox, Audacity, DAWs) ignore or
 * show them; the recorder uses them to mark pause/resume in the file itself.
 */
export interface WavCue {
  id: number;
  /** Position in sample frames from the start of the data. */
  frame: number;
  label: string;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** `cue ` + `LIST`(`adtl`, `labl`…) chunks, ready to append after the data chunk. */
export function buildCueChunks(cues: WavCue[]): Uint8Array {
  if (cues.length === 0) return new Uint8Array(0);
  const labels = cues.map((c) => enc.encode(c.label));
  const cueSize = 4 + 24 * cues.length;
  let adtl = 4; // 'adtl'
  for (const l of labels) adtl += 8 + ((4 + l.length + 1 + 1) & ~1);
  const out = new Uint8Array(8 + cueSize + 8 + adtl);
  const v = new DataView(out.buffer);
  const tag = (o: number, s: string) => {
    for (let i = 0; i < 4; i++) out[o + i] = s.charCodeAt(i);
  };
  tag(0, 'cue ');
  v.setUint32(4, cueSize, true);
  v.setUint32(8, cues.length, true);
  cues.forEach((c, i) => {
    const o = 12 + 24 * i;
    v.setUint32(o, c.id, true);
    v.setUint32(o + 4, c.frame, true); // play-order position
    tag(o + 8, 'data');
    v.setUint32(o + 12, 0, true);
    v.setUint32(o + 16, 0, true);
    v.setUint32(o + 20, c.frame, true);
  });
  let o = 8 + cueSize;
  tag(o, 'LIST');
  v.setUint32(o + 4, adtl, true);
  tag(o + 8, 'adtl');
  o += 12;
  cues.forEach((c, i) => {
    const l = labels[i]!;
    const size = 4 + l.length + 1;
    tag(o, 'labl');
    v.setUint32(o + 4, size, true);
    v.setUint32(o + 8, c.id, true);
    out.set(l, o + 12);
    o += 8 + ((size + 1) & ~1); // NUL terminator and pad byte are already zero
  });
  return out;
}

/** Reads the cue points (with labels) of a WAV file; [] if it has none or they are malformed. */
export function readWavCues(bytes: Uint8Array): WavCue[] {
  if (bytes.length < 12) return [];
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tagAt = (o: number) => String.fromCharCode(bytes[o]!, bytes[o + 1]!, bytes[o + 2]!, bytes[o + 3]!);
  const cues: WavCue[] = [];
  const labels = new Map<number, string>();
  let o = 12;
  while (o + 8 <= bytes.length) {
    const id = tagAt(o);
    const size = v.getUint32(o + 4, true);
    const body = o + 8;
    if (body + size > bytes.length) break;
    if (id === 'cue ' && size >= 4) {
      const n = v.getUint32(body, true);
      for (let i = 0; i < n && body + 4 + 24 * (i + 1) <= body + size; i++) {
        const c = body + 4 + 24 * i;
        cues.push({ id: v.getUint32(c, true), frame: v.getUint32(c + 20, true), label: '' });
      }
    } else if (id === 'LIST' && size >= 4 && tagAt(body) === 'adtl') {
      let p = body + 4;
      while (p + 8 <= body + size) {
        const sid = tagAt(p);
        const ssize = v.getUint32(p + 4, true);
        if (p + 8 + ssize > body + size) break;
        if (sid === 'labl' && ssize >= 4) {
          let end = p + 12;
          while (end < p + 8 + ssize && bytes[end] !== 0) end++;
          labels.set(v.getUint32(p + 8, true), dec.decode(bytes.subarray(p + 12, end)));
        }
        p += 8 + ssize + (ssize & 1);
      }
    }
    o = body + size + (size & 1);
  }
  for (const c of cues) c.label = labels.get(c.id) ?? '';
  return cues;
}
