/**
 * Writes a classic libpcap file (Ethernet/IPv4/UDP) of RTP packets, as SIPp's play_pcap_audio
 * expects: SIPp replaces the addresses and ports and paces by the record timestamps.
 */
import { writeFile } from 'node:fs/promises';
import { ULAW_ENCODE } from '../../../src/media/codecs/g711.js';

function ipChecksum(b: Buffer, off: number, len: number): number {
  let sum = 0;
  for (let i = 0; i < len; i += 2) sum += b.readUInt16BE(off + i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export async function writeRtpPcap(path: string, packets: Buffer[], spacingMs = 20): Promise<void> {
  const parts: Buffer[] = [];
  const g = Buffer.alloc(24);
  g.writeUInt32LE(0xa1b2c3d4, 0);
  g.writeUInt16LE(2, 4);
  g.writeUInt16LE(4, 6);
  g.writeUInt32LE(65535, 16);
  g.writeUInt32LE(1, 20);
  parts.push(g);
  packets.forEach((rtp, i) => {
    const frame = Buffer.alloc(14 + 20 + 8 + rtp.length);
    frame.writeUInt16BE(0x0800, 12);
    const ip = 14;
    frame[ip] = 0x45;
    frame.writeUInt16BE(20 + 8 + rtp.length, ip + 2);
    frame.writeUInt16BE(i & 0xffff, ip + 4);
    frame[ip + 8] = 64;
    frame[ip + 9] = 17;
    frame.set([127, 0, 0, 1], ip + 12);
    frame.set([127, 0, 0, 1], ip + 16);
    frame.writeUInt16BE(ipChecksum(frame, ip, 20), ip + 10);
    const udp = ip + 20;
    frame.writeUInt16BE(40000, udp);
    frame.writeUInt16BE(40002, udp + 2);
    frame.writeUInt16BE(8 + rtp.length, udp + 4);
    rtp.copy(frame, udp + 8);
    const rec = Buffer.alloc(16);
    const us = i * spacingMs * 1000;
    rec.writeUInt32LE(1_700_000_000 + Math.floor(us / 1e6), 0);
    rec.writeUInt32LE(us % 1e6, 4);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    parts.push(rec, frame);
  });
  await writeFile(path, Buffer.concat(parts));
}

/** `count` 20 ms PCMU packets of a sine tone (PT 0, one SSRC). */
export function tonePackets(freq: number, count: number, amplitude = 8000, ssrc = 0x51bb0001): Buffer[] {
  const out: Buffer[] = [];
  let phase = 0;
  for (let n = 0; n < count; n++) {
    const b = Buffer.alloc(12 + 160);
    b[0] = 0x80;
    b[1] = n === 0 ? 0x80 : 0;
    b.writeUInt16BE((100 + n) & 0xffff, 2);
    b.writeUInt32BE((16000 + n * 160) >>> 0, 4);
    b.writeUInt32BE(ssrc, 8);
    for (let i = 0; i < 160; i++) {
      b[12 + i] = ULAW_ENCODE[Math.round(amplitude * Math.sin(phase)) & 0xffff]!;
      phase += (2 * Math.PI * freq) / 8000;
    }
    out.push(b);
  }
  return out;
}
