/** Minimal classic-libpcap reader for test fixtures (Ethernet + IPv4 + UDP, no options). */
import { readFileSync } from 'node:fs';

export function udpPayloadsFromPcap(path: string): Uint8Array[] {
  const d = new Uint8Array(readFileSync(path));
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  if (v.getUint32(0, true) !== 0xa1b2c3d4) throw new Error('not a little-endian pcap');
  const out: Uint8Array[] = [];
  let o = 24;
  while (o + 16 <= d.length) {
    const caplen = v.getUint32(o + 8, true);
    const frame = d.subarray(o + 16, o + 16 + caplen);
    const ihl = (frame[14]! & 0x0f) * 4;
    out.push(frame.slice(14 + ihl + 8));
    o += 16 + caplen;
  }
  return out;
}
