import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildSync } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import type { RecordingInfo } from '../../../src/calls/plane-media-port.js';
import { loadConfig } from '../../../src/kernel/config.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { createServer, type Server } from '../../../src/server.js';
import { readWav, toneDurationMs } from '../../integration/media/rtp-peer.js';
import { sineWav } from '../../support/sine-wav.js';
import { freeUdpPort, scratchDir, sipp, sippTotals } from '../sip/harness.js';

const require = createRequire(import.meta.url);
const DOMAIN = 'demo.switchboard.local';
const HZ = 1000;

/** The agent page: JsSIP (bundled for the browser at test time) and plain browser JavaScript. */
const PAGE = `<!doctype html><title>agent</title><script>
let ua, session, remoteTrack;
function register(url) {
  return new Promise((resolve, reject) => {
    ua = new JsSIP.UA({
      sockets: [new JsSIP.WebSocketInterface(url)],
      uri: 'sip:1002@${DOMAIN}',
      password: 'Demo@2026',
      register: true,
      session_timers: false,
    });
    ua.on('registered', () => resolve('registered'));
    ua.on('registrationFailed', (e) => reject(new Error('registration failed: ' + e.cause)));
    ua.start();
  });
}
function call(target) {
  return new Promise((resolve, reject) => {
    session = ua.call(target, {
      // no voice processing: noise suppression would treat a steady tone as noise
      mediaConstraints: {
        audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
        video: false,
      },
      pcConfig: { iceServers: [] },
      sessionTimersExpires: 120,
    });
    session.on('confirmed', () => {
      const r = session.connection.getReceivers().find((x) => x.track && x.track.kind === 'audio');
      remoteTrack = r && r.track;
      resolve('confirmed');
    });
    session.on('failed', (e) => reject(new Error('call failed: ' + e.cause)));
  });
}
function connected() { return session && session.connection && session.connection.connectionState === 'connected'; }
function hangup() { if (session && !session.isEnded()) session.terminate(); }
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

/**
 * A browser agent on the full server: headless Chromium runs JsSIP, registers demo agent 1002
 * over secure WebSocket (self-signed certificate made at test time) and calls 1003, a SIPp UAS
 * that echoes RTP. The browser's WebRTC offer is answered by a WebRTC endpoint of the media plane
 * (ICE-lite, DTLS-SRTP), bridged to the callee's RTP endpoint: the browser's 1 kHz fake
 * microphone must be on both channels of the caller leg's recording (said, and echoed back).
 */
describe('browser agent over WSS (Chromium + JsSIP → full server → SIPp echo)', () => {
  let server: Server;
  let dataDir: string;
  let sipPort: number;
  let wssPort: number;
  let browser: Browser;
  let page: http.Server;
  let pageUrl: string;
  const scratch = scratchDir();

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'swb-e2e-wss-'));
    const cert = join(dataDir, 'cert.pem');
    const key = join(dataDir, 'key.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-days', '1'].concat([
        '-keyout',
        key,
        '-out',
        cert,
      ]),
      { stdio: 'ignore', timeout: 20_000 },
    );
    const config = loadConfig({
      env: {},
      overrides: {
        http: { host: '127.0.0.1', port: 0 },
        sip: {
          host: '127.0.0.1',
          udpPort: 0,
          tcpPort: 0,
          wsPort: 0,
          tlsPort: 0,
          wssPort: 0,
          tlsCert: cert,
          tlsKey: key,
          digest: 'md5',
        },
        media: { rtpPortMin: 47000, rtpPortMax: 47999, workers: 1 },
        storage: { dataDir },
        auth: { scryptCost: 1024 },
        log: { level: 'silent' },
      },
    });
    server = await createServer(config, { logger: silentLogger });
    await server.listen();
    const listening = server.sip!.listening();
    sipPort = listening.find((l) => l.transport === 'udp')!.localPort;
    wssPort = listening.find((l) => l.transport === 'wss')!.localPort;

    const jssip = buildSync({
      entryPoints: [require.resolve('jssip')],
      bundle: true,
      format: 'iife',
      globalName: 'JsSIP',
      platform: 'browser',
      write: false,
      logLevel: 'error',
    }).outputFiles[0]!.text;
    page = http.createServer((req, res) => {
      res.setHeader('content-type', req.url === '/jssip.js' ? 'text/javascript' : 'text/html');
      res.end(req.url === '/jssip.js' ? jssip : PAGE);
    });
    await new Promise<void>((r) => page.listen(0, '127.0.0.1', () => r()));
    pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}/`;

    const wav = join(dataDir, 'tone.wav');
    writeFileSync(wav, sineWav(HZ, 20_000, 48_000, 12_000));
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      timeout: 30_000,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--ignore-certificate-errors',
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
    await server?.close();
    await new Promise<void>((r) => (page ? page.close(() => r()) : r()));
    rmSync(dataDir, { recursive: true, force: true });
    scratch.remove();
  });

  it('registers over WSS, calls a SIPp callee and the 1 kHz tone crosses both ways', async (t) => {
    assert.ok(wssPort > 0, 'the server listens for secure WebSocket');
    const calleePort = await freeUdpPort();
    const reg = await sipp({
      scenario: 'server-register.xml',
      port: calleePort,
      remote: `127.0.0.1:${sipPort}`,
      service: '1003',
      calls: 1,
      cwd: scratch.dir,
      timeoutS: 15,
      extra: ['-key', 'domain', DOMAIN, '-au', '1003', '-ap', 'Demo@2026'],
    }).done;
    assert.deepEqual(sippTotals(reg.stdout), { ok: 1, failed: 0 }, reg.stdout.slice(-1500));

    const stopped = new Promise<RecordingInfo & { durationMs: number }>((res) => {
      server.mediaPort!.onRecordingStopped = res;
    });
    const uas = sipp({
      scenario: 'uas',
      port: calleePort,
      calls: 1,
      cwd: scratch.dir,
      timeoutS: 40,
      extra: ['-mp', String(await freeUdpPort()), '-rtp_echo'],
    });

    const tab = await browser.newPage();
    try {
      tab.setDefaultTimeout(15_000);
      await tab.goto(pageUrl);
      await tab.addScriptTag({ url: `${pageUrl}jssip.js` });
      assert.equal(await tab.evaluate(`register('wss://127.0.0.1:${wssPort}')`), 'registered');
      assert.equal(await tab.evaluate(`call('sip:1003@${DOMAIN}')`), 'confirmed');
      await tab.waitForFunction('connected()', undefined, { timeout: 10_000 });
      await new Promise((r) => setTimeout(r, 1500));
      const heard = (await tab.evaluate('measure()')) as { peakHz: number; peakDb: number };
      await new Promise((r) => setTimeout(r, 1000));
      await tab.evaluate('hangup()');

      const callee = await uas.done;
      assert.deepEqual(sippTotals(callee.stdout), { ok: 1, failed: 0 }, callee.stdout.slice(-2000));
      assert.ok(Math.abs(heard.peakHz - HZ) < 30, `page hears ${heard.peakHz} Hz (${heard.peakDb} dB)`);
      assert.ok(heard.peakDb > -60, `audible in the page (${heard.peakDb} dB)`);

      const rec = await stopped;
      const wav = await readWav(rec.path);
      assert.equal(wav.channels, 2);
      t.diagnostic(`page ${heard.peakHz} Hz ${heard.peakDb} dB; recording ${rec.durationMs} ms`);
      const said = toneDurationMs(wav.data[0]!, HZ);
      const echoed = toneDurationMs(wav.data[1]!, HZ);
      assert.ok(said >= 2500, `the browser's tone on the caller channel for ${said} ms`);
      t.diagnostic(`tone said ${said} ms, echoed ${echoed} ms`);
      assert.ok(echoed >= 2500, `the echo the browser hears on channel 1 for ${echoed} ms`);
    } finally {
      await tab.close();
      uas.child.kill();
    }
  });
});
