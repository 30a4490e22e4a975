import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isWebRtcSdp, PlaneMediaPort } from '../../../src/calls/plane-media-port.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import type { MediaPlane } from '../../../src/media/plane.js';

const RTP_OFFER = [
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 40000 RTP/AVP 0 101',
  'a=rtpmap:0 PCMU/8000',
  '',
].join('\r\n');
const WEBRTC_OFFER = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 0',
  'c=IN IP4 0.0.0.0',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:abcdefghijklmnopqrstuvwx',
  'a=fingerprint:sha-256 00:11:22',
  'a=setup:actpass',
  'a=rtpmap:0 PCMU/8000',
  '',
].join('\r\n');

/** A media plane fake recording the endpoints asked for. */
function fakePlane() {
  const created: { kind?: string }[] = [];
  const offers: string[] = [];
  const plane = {
    createEndpoint: async (opts: { kind?: string }) => {
      created.push(opts);
      const id = `ep_${created.length}`;
      return {
        id,
        kind: opts.kind ?? 'rtp',
        address: '127.0.0.1',
        rtpPort: 47000 + created.length * 2,
        setRemote: async () => {},
        acceptOffer: async (sdp: string) => {
          offers.push(sdp);
          return 'v=0\r\na=ice-lite\r\n';
        },
        close: async () => {},
      };
    },
  } as unknown as MediaPlane;
  return { plane, created, offers };
}

describe('PlaneMediaPort: WebRTC offers are answered by a webrtc endpoint', () => {
  it('tells WebRTC offers from plain RTP ones', () => {
    assert.equal(isWebRtcSdp(WEBRTC_OFFER), true);
    assert.equal(isWebRtcSdp(RTP_OFFER), false);
  });

  it('leaves plain RTP offers to the leg (undefined) and creates an rtp endpoint', async () => {
    const f = fakePlane();
    const port = new PlaneMediaPort({ plane: f.plane, logger: silentLogger });
    port.remoteDescription('leg_a', RTP_OFFER);
    assert.equal(await port.answer('leg_a', RTP_OFFER), undefined);
    await port.allocate('leg_a');
    assert.deepEqual(
      f.created.map((c) => c.kind),
      ['rtp'],
    );
  });

  it('answers a WebRTC offer once from a webrtc endpoint (a 183 and the 200 share it)', async () => {
    const f = fakePlane();
    const port = new PlaneMediaPort({ plane: f.plane, logger: silentLogger });
    port.remoteDescription('leg_b', WEBRTC_OFFER); // the inbound leg's constructor does this
    const [a1, a2] = await Promise.all([
      port.answer('leg_b', WEBRTC_OFFER),
      port.answer('leg_b', WEBRTC_OFFER),
    ]);
    assert.match(a1 ?? '', /ice-lite/);
    assert.equal(a2, a1);
    assert.deepEqual(
      f.created.map((c) => c.kind),
      ['webrtc'],
    );
    assert.equal(f.offers.length, 1);
    port.release('leg_b');
    assert.equal(port.size, 0);
  });
});
