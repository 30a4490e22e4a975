import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import { createMediaPlane, type MediaPlane } from '../../../src/media/plane.js';
import { RtpPeer, readWav, toneDurationMs, toneRatio, waitFor } from '../../integration/media/rtp-peer.js';
import { sineWav } from '../../support/sine-wav.js';

const BROWSER_HZ = 660;

/** The agent page: plain browser JavaScript (the repo's TypeScript has no DOM types). */
const PAGE = `<!doctype html><title>agent</title><script>
let pc, remoteTrack;
async function makeOffer() {
  // no voice processing: noise suppression would treat a steady tone as noise
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  });
  pc = new RTCPeerConnection();
  for (const t of stream.getTracks()) pc.addTrack(t, stream);
  pc.ontrack = (e) => { remoteTrack = e.track; };
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
    setTimeout(resolve, 3000);
  });
  return pc.localDescription.sdp;
}
async function applyAnswer(sdp) { await pc.setRemoteDescription({ type: 'answer', sdp }); }
function connected() { return pc && pc.connectionState === 'connected'; }
async function measure() {
  if (!remoteTrack) return { peakHz: -1, peakDb: -200 };
  const ms = new MediaStream([remoteTrack]);
  const el = new Audio(); // Chromium only feeds WebAudio from a remote track that is playing
  el.srcObject = ms;
  el.muted = true;
  await el.play().catch(() => {});
  const ctx = new AudioContext();
  await ctx.resume();
  const an = ctx.createAnalyser();
  an.fftSize = 4096;
  ctx.createMediaStreamSource(ms).connect(an);
  await new Promise((r) => setTimeout(r, 1500));
  const d = new Float32Array(an.frequencyBinCount);
  an.getFloatFrequencyData(d);
  let best = 1;
  for (let i = 2; i < d.length; i++) if (d[i] > d[best]) best = i;
  return { peakHz: (best * ctx.sampleRate) / an.fftSize, peakDb: d[best] };
}
</script>`;
const CALLER_HZ = 1000;

describe('media plane with headless Chromium as a WebRTC leg (werift, ICE-lite, DTLS-SRTP, PCMU)', () => {
  let plane: MediaPlane;
  let dir: string;
  let browser: Browser;
  let server: http.Server;
  let url: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swb-webrtc-'));
    const wav = join(dir, 'tone.wav');
    await writeFile(wav, sineWav(BROWSER_HZ, 10_000, 48_000, 12_000));
    plane = await createMediaPlane({
      workers: 1,
      rtpPortMin: 42800,
      rtpPortMax: 42849,
      recordingsDir: dir,
      publicAddress: '127.0.0.1',
    });
    server = http.createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(PAGE);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--allow-loopback-in-peer-connection',
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        `--use-file-for-fake-audio-capture=${wav}`,
        '--autoplay-policy=no-user-gesture-required',
      ],
    });
  });

  after(async () => {
    await browser?.close();
    await plane?.close();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await rm(dir, { recursive: true, force: true });
  });

  it('bridges the browser to an RTP caller: each hears the other, the recording has both', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    const caller = await RtpPeer.open();
    const a = await plane.createEndpoint();
    const w = await plane.createEndpoint({ kind: 'webrtc', near: a.id });
    try {
      await a.setRemote({ address: '127.0.0.1', port: caller.port, codec: 'PCMU' });
      const offer = (await page.evaluate('makeOffer()')) as string;
      const answer = await w.acceptOffer(offer);
      assert.match(answer, /a=ice-lite/);
      const candidates = answer.split('\r\n').filter((l) => l.startsWith('a=candidate:'));
      assert.ok(candidates.length > 0 && candidates.every((l) => l.includes(' 127.0.0.1 ')), 'loopback only');
      assert.match(answer, /a=rtpmap:0 PCMU\/8000/);
      await page.evaluate(`applyAnswer(${JSON.stringify(answer)})`);
      await page.waitForFunction('connected()', undefined, { timeout: 10_000 });
      await plane.bridge(a, w);
      const rec = await plane.record(a);

      const talking = caller.sendTone(CALLER_HZ, 200, a.rtpPort); // 4 s
      await new Promise((r) => setTimeout(r, 1000));
      const heard = (await page.evaluate('measure()')) as { peakHz: number; peakDb: number };
      await talking;
      await waitFor(() => caller.received.length >= 100, 5000, 'browser audio at the caller');
      const result = await rec.stop();

      assert.ok(
        Math.abs(heard.peakHz - CALLER_HZ) < 30,
        `page hears ${heard.peakHz} Hz (${heard.peakDb} dB)`,
      );
      assert.ok(heard.peakDb > -60, `audible in the page (${heard.peakDb} dB)`);
      assert.ok(toneRatio(caller.decoded('PCMU'), BROWSER_HZ) > 0.5, 'the caller hears the browser tone');
      const wav = await readWav(result.path);
      const browserMs = toneDurationMs(wav.data[1]!, BROWSER_HZ);
      const callerMs = toneDurationMs(wav.data[0]!, CALLER_HZ);
      assert.ok(callerMs >= 3000, `caller tone on channel 0 for ${callerMs} ms`);
      assert.ok(browserMs >= 3000, `browser tone on channel 1 for ${browserMs} ms`);
      const ws = await w.stats();
      assert.ok(ws.counters.packetsIn >= 150, `SRTP packets from the browser: ${ws.counters.packetsIn}`);
    } finally {
      await Promise.all([a.close(), w.close(), caller.close(), page.close()]);
    }
  });
});
