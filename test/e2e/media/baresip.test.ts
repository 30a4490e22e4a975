import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dbfsToAmplitude, ToneGenerator } from '../../../src/media/dsp/tone.js';
import type { MediaEventMap } from '../../../src/media/media-types.js';
import { createMediaPlane, type MediaPlane } from '../../../src/media/plane.js';
import type { MediaEndpoint } from '../../../src/media/plane-objects.js';
import { waitFor } from '../../integration/media/rtp-peer.js';
import { MiniUas } from './mini-uas.js';

const UAS_PORT = 42790;
const DIGITS = '159#';

/** 8 kHz mono WAV: 0.5 s silence, then each digit as a 120 ms DTMF tone and a 120 ms pause, then 1 s silence. */
function dtmfWav(digits: string): Buffer {
  const gen = new ToneGenerator();
  const parts: Int16Array[] = [];
  const seg = (ms: number) => {
    const a = new Int16Array((8000 * ms) / 1000);
    gen.generate(a);
    parts.push(a);
  };
  gen.silence();
  seg(500);
  for (const d of digits) {
    gen.dtmf(d, dbfsToAmplitude(-12));
    seg(120);
    gen.silence();
    seg(120);
  }
  seg(1000);
  const n = parts.reduce((s, p) => s + p.length, 0);
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(8000, 24);
  b.writeUInt32LE(16000, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(n * 2, 40);
  let o = 44;
  for (const p of parts) for (const s of p) o = b.writeInt16LE(s, o);
  return b;
}

describe('media plane with baresip as a real caller (DTMF in-band and RFC 4733)', () => {
  let plane: MediaPlane;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swb-baresip-'));
    plane = await createMediaPlane({
      workers: 1,
      rtpPortMin: 43000,
      rtpPortMax: 43019,
      recordingsDir: dir,
      publicAddress: '127.0.0.1',
    });
  });

  after(async () => {
    await plane.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes baresip's config (stdio UI so keys on stdin are sent as RFC 4733 digits) and its WAV mic. */
  async function configure(): Promise<void> {
    await writeFile(join(dir, 'in.wav'), dtmfWav(DIGITS));
    await writeFile(
      join(dir, 'config'),
      [
        'poll_method epoll',
        'sip_listen 127.0.0.1:42791',
        `audio_source aufile,${join(dir, 'in.wav')}`,
        `audio_player aufile,${join(dir, 'out.wav')}`,
        `audio_alert aufile,${join(dir, 'in.wav')}`,
        'module_path /usr/lib/baresip/modules',
        'module g711.so',
        'module aufile.so',
        'module stdio.so',
        'module_app account.so',
        'module_app menu.so',
        'rtp_ports 42792-42799',
        '',
      ].join('\n'),
    );
    await writeFile(join(dir, 'accounts'), '<sip:caller@127.0.0.1>;regint=0;audio_codecs=PCMU\n');
  }

  /** One baresip call into our mini UAS; `answerTelephoneEvent` decides RFC 4733 vs in-band only. */
  async function call(
    answerTelephoneEvent: boolean,
    during: (ctx: {
      ep: () => MediaEndpoint | undefined;
      keys: (k: string) => void;
      digits: MediaEventMap['dtmf'][];
      log: () => string;
    }) => Promise<void>,
  ) {
    await configure();
    let ep: MediaEndpoint | undefined;
    const digits: MediaEventMap['dtmf'][] = [];
    const uas = await MiniUas.open(UAS_PORT, {
      onInvite: async (offer) => {
        ep = await plane.createEndpoint();
        ep.on('dtmf', (d) => digits.push(d));
        const te = answerTelephoneEvent ? offer.telephoneEventPt : undefined;
        await ep.setRemote({
          address: offer.address,
          port: offer.port,
          codec: 'PCMU',
          ...(te !== undefined ? { telephoneEventPt: te } : {}),
        });
        return te !== undefined ? { port: ep.rtpPort, telephoneEventPt: te } : { port: ep.rtpPort };
      },
    });
    const child = spawn(
      'baresip',
      ['-4', '-n', '127.0.0.1', '-f', dir, '-e', `/dial sip:agent@127.0.0.1:${UAS_PORT}`],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d.toString()));
    child.stderr.on('data', (d) => (out += d.toString()));
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    try {
      await during({ ep: () => ep, keys: (k) => child.stdin.write(k), digits, log: () => out.slice(-300) });
    } finally {
      child.kill('SIGTERM');
      await exited;
      clearTimeout(killer);
      await ep?.close();
      await uas.close();
    }
  }

  it('detects the digits baresip sends as in-band tones, one by one, in order', async () => {
    await call(false, async ({ ep, digits, log }) => {
      await waitFor(() => digits.length >= DIGITS.length, 15_000, `digits (baresip: ${log()})`);
      assert.deepEqual(
        digits.slice(0, DIGITS.length).map((d) => d.digit),
        [...DIGITS],
      );
      assert.ok(digits.every((d) => d.source === 'inband'));
      assert.ok(
        digits.slice(0, DIGITS.length).every((d) => d.durationMs >= 80 && d.durationMs <= 160),
        `durations ${digits.map((d) => d.durationMs).join(',')}`,
      );
      assert.equal((await ep()!.stats()).latched?.address, '127.0.0.1');
    });
  });

  it('detects the RFC 4733 digits baresip sends for keys pressed during the call', async () => {
    await call(true, async ({ ep, keys, digits, log }) => {
      await waitFor(() => ep() !== undefined, 10_000, `the call (baresip: ${log()})`);
      for (let i = 0; i < 200; i++) {
        if ((await ep()!.stats()).latched) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      for (const k of '37*') {
        keys(k);
        await new Promise((r) => setTimeout(r, 400));
      }
      await waitFor(() => digits.length >= 3, 5000, `digits (baresip: ${log()})`);
      assert.deepEqual(
        digits.map((d) => `${d.digit}/${d.source}`),
        ['3/rfc4733', '7/rfc4733', '*/rfc4733'],
      );
    });
  });
});
