import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filterCandidates } from '../../../src/media/webrtc/candidates.js';

const SDP = [
  'v=0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 0',
  'a=candidate:1 1 udp 2116026367 127.0.0.1 42234 typ host generation 0',
  'a=candidate:2 1 udp 2116026367 192.0.2.2 56985 typ host generation 0',
  'a=candidate:3 1 udp 2116026367 fd00::2 51070 typ host generation 0',
  'a=candidate:4 1 tcp 1518214911 192.0.2.2 9 typ host tcptype active',
  'a=ice-lite',
  '',
].join('\r\n');

const candidates = (sdp: string) => sdp.split('\r\n').filter((l) => l.startsWith('a=candidate:'));

describe('WebRTC candidate policy', () => {
  it('loopback bind: only loopback candidates, never rewritten', () => {
    const out = filterCandidates(SDP, { bindAddress: '127.0.0.1', announcedAddress: '203.0.113.7' });
    assert.deepEqual(candidates(out), [
      'a=candidate:1 1 udp 2116026367 127.0.0.1 42234 typ host generation 0',
    ]);
    assert.match(out, /a=ice-lite/);
  });

  it('specific bind behind 1:1 NAT: the bound address, announced as the public one', () => {
    const out = filterCandidates(SDP, { bindAddress: '192.0.2.2', announcedAddress: '203.0.113.7' });
    assert.deepEqual(candidates(out), [
      'a=candidate:2 1 udp 2116026367 203.0.113.7 56985 typ host generation 0',
    ]);
  });

  it('wildcard bind: every UDP IPv4 non-loopback host candidate; no TCP, no IPv6', () => {
    const out = filterCandidates(SDP, { bindAddress: '0.0.0.0' });
    assert.deepEqual(candidates(out), [
      'a=candidate:2 1 udp 2116026367 192.0.2.2 56985 typ host generation 0',
    ]);
  });
});
