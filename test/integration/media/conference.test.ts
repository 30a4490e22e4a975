import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isSwbError } from '../../../src/kernel/errors.js';
import { createMediaPlane, type MediaPlane } from '../../../src/media/plane.js';
import type { MediaEndpoint } from '../../../src/media/plane-objects.js';
import { RtpPeer, toneRatio } from './rtp-peer.js';

const CALLER = 1000;
const AGENT = 440;
const SUPERVISOR = 700;

describe('media plane: conference with supervisor modes', () => {
  let plane: MediaPlane;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swb-conf-'));
    plane = await createMediaPlane({
      workers: 1,
      rtpPortMin: 42950,
      rtpPortMax: 42999,
      recordingsDir: dir,
      publicAddress: '127.0.0.1',
    });
  });

  after(async () => {
    await plane.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Everyone talks for `packets` × 20 ms; returns what each heard, after a 200 ms settling cut. */
  async function round(peers: RtpPeer[], eps: MediaEndpoint[], freqs: number[], packets: number) {
    for (const p of peers) p.received.length = 0;
    await Promise.all(peers.map((p, i) => p.sendTone(freqs[i]!, packets, eps[i]!.rtpPort)));
    await new Promise((r) => setTimeout(r, 100));
    return peers.map((p) => p.decoded('PCMU').subarray(1600));
  }

  it('mixes caller and agent; listen, whisper and barge reach exactly who they should', async () => {
    const peers = await Promise.all([RtpPeer.open(), RtpPeer.open(), RtpPeer.open()]);
    const caller = await plane.createEndpoint();
    const agent = await plane.createEndpoint({ near: caller.id });
    const sup = await plane.createEndpoint({ near: caller.id });
    const eps = [caller, agent, sup];
    const freqs = [CALLER, AGENT, SUPERVISOR];
    try {
      for (let i = 0; i < 3; i++) {
        await eps[i]!.setRemote({
          address: '127.0.0.1',
          port: peers[i]!.port,
          codec: i === 1 ? 'PCMA' : 'PCMU',
        });
      }
      const conf = await plane.createConference(caller);
      await conf.add(caller);
      await conf.add(agent);
      await conf.add(sup, 'listen');
      await assert.rejects(plane.bridge(caller, sup), (e) => isSwbError(e, 'SWB_MEDIA_BAD_REQUEST'));

      // listen: the supervisor hears both, nobody hears the supervisor
      // the agent speaks PCMA: the conference decodes and encodes per member
      const agentPeer = peers[1]!;
      const sendAgentPcma = agentPeer.sendTone.bind(agentPeer);
      agentPeer.sendTone = (f, n, port) => sendAgentPcma(f, n, port, 'PCMA');
      let heard = await round(peers, eps, freqs, 60);
      const agentHeard = () => agentPeer.decoded('PCMA').subarray(1600);
      assert.ok(toneRatio(heard[0]!, AGENT) > 0.3, 'caller hears agent');
      assert.ok(toneRatio(heard[0]!, SUPERVISOR) < 0.02, 'caller does not hear a listener');
      assert.ok(toneRatio(agentHeard(), CALLER) > 0.3, 'agent hears caller');
      assert.ok(toneRatio(agentHeard(), SUPERVISOR) < 0.02, 'agent does not hear a listener');
      assert.ok(
        toneRatio(heard[2]!, CALLER) > 0.2 && toneRatio(heard[2]!, AGENT) > 0.2,
        'listener hears both',
      );
      assert.ok(toneRatio(heard[0]!, CALLER) < 0.02, 'mix-minus: nobody hears themselves');

      // whisper to the agent: the agent hears the supervisor, the caller does not
      await conf.add(sup, 'whisper', agent);
      heard = await round(peers, eps, freqs, 60);
      assert.ok(toneRatio(agentHeard(), SUPERVISOR) > 0.2, 'agent hears the whisper');
      assert.ok(toneRatio(heard[0]!, SUPERVISOR) < 0.02, 'caller does not hear the whisper');

      // barge: everyone hears the supervisor
      await conf.add(sup, 'barge');
      heard = await round(peers, eps, freqs, 60);
      assert.ok(toneRatio(heard[0]!, SUPERVISOR) > 0.2, 'caller hears the barge');
      assert.ok(toneRatio(agentHeard(), SUPERVISOR) > 0.2, 'agent hears the barge');

      // force-release the supervisor: back to a two-party mix
      await conf.remove(sup);
      heard = await round(peers, eps, freqs, 40);
      assert.ok(toneRatio(heard[0]!, SUPERVISOR) < 0.02);
      // Datagrams the mixer sent before it processed the removal may be handled by this process
      // after the removal's reply (two channels, no order between them): allow those, but once
      // the caller has heard five ticks of the new two-party mix, the supervisor gets nothing.
      const fifth = peers[0]!.received[4];
      assert.ok(fifth, 'the caller heard the two-party mix');
      const late = peers[2]!.received.filter((p) => p.at > fifth.at);
      assert.equal(late.length, 0, 'a removed member gets nothing');
      assert.ok(
        peers[2]!.received.length <= 3,
        `only datagrams in flight at removal: ${peers[2]!.received.length}`,
      );
      await conf.close();
    } finally {
      await Promise.all([...eps.map((e) => e.close()), ...peers.map((p) => p.close())]);
    }
  });
});
