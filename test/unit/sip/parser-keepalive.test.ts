import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../../src/kernel/clock.js';
import { TypedEmitter } from '../../../src/kernel/events.js';
import { parseVia } from '../../../src/sip/headers/via.js';
import { createResponse, getHeader, type SipMessage, type SipRequest } from '../../../src/sip/message.js';
import { parseMessage, serializeMessage } from '../../../src/sip/parser.js';
import { OptionsKeepAlive } from '../../../src/sip/transport/keepalive.js';
import type { SipSource, SipTarget, SipTransportEvents } from '../../../src/sip/transport/types.js';

class FakeLayer extends TypedEmitter<SipTransportEvents> {
  sent: { msg: SipMessage; target: SipTarget }[] = [];
  async send(msg: SipMessage, target: SipTarget): Promise<void> {
    this.sent.push({ msg, target });
  }
  answer(i: number, status = 200): void {
    const req = this.sent[i]!.msg as SipRequest;
    const res = createResponse(req, status, { toTag: 'x' });
    const src: SipSource = {
      transport: 'udp',
      remoteAddress: '198.51.100.7',
      remotePort: 5062,
      localAddress: '',
      localPort: 0,
    };
    this.safeEmit('message', parseMessage(serializeMessage(res)), src);
  }
}

describe('OptionsKeepAlive', () => {
  const setup = () => {
    const clock = new FakeClock();
    const layer = new FakeLayer();
    const ka = new OptionsKeepAlive(layer, {
      clock,
      local: () => ({ host: '203.0.113.10', port: 5060 }),
      intervalMs: 30_000,
      maxMisses: 2,
    });
    const events: string[] = [];
    ka.on('up', (id) => events.push(`up ${id}`));
    ka.on('down', (id) => events.push(`down ${id}`));
    return { clock, layer, ka, events };
  };

  it('add() probes at once with a well-formed OPTIONS; any response marks the target up', () => {
    const { layer, ka, events } = setup();
    const id = ka.add({
      transport: 'udp',
      host: '198.51.100.7',
      port: 5062,
      uri: 'sip:1001@198.51.100.7:5062',
    });
    assert.equal(layer.sent.length, 1);
    const req = layer.sent[0]!.msg as SipRequest;
    assert.equal(req.uri, 'sip:1001@198.51.100.7:5062');
    assert.match(parseVia(getHeader(req, 'via')!).branch!, /^z9hG4bK/);
    assert.deepEqual(parseMessage(serializeMessage(req)), req);
    layer.answer(0, 404);
    assert.deepEqual(events, [`up ${id}`]);
    assert.equal(ka.state(id), 'up');
    ka.close();
  });

  it('reports down after maxMisses unanswered probes and up again on the next answer', () => {
    const { clock, layer, ka, events } = setup();
    const id = ka.add({ transport: 'tcp', host: '198.51.100.7', port: 5062, connectionId: 'tcp-1' });
    layer.answer(0);
    clock.advance(30_000); // probe 2 (probe 1 answered)
    clock.advance(30_000); // probe 3; probe 2 missed (1)
    assert.equal(ka.state(id), 'up');
    clock.advance(30_000); // probe 4; probe 3 missed (2) → down
    assert.equal(ka.state(id), 'down');
    assert.equal(layer.sent.length, 4);
    assert.equal(layer.sent[3]!.target.connectionId, 'tcp-1');
    layer.answer(3);
    assert.deepEqual(events, [`up ${id}`, `down ${id}`, `up ${id}`]);
    // a late answer to an old probe is ignored
    layer.answer(1);
    assert.equal(events.length, 3);
    ka.close();
  });

  it('remove() and close() stop probing', () => {
    const { clock, layer, ka } = setup();
    const a = ka.add({ transport: 'udp', host: '::1', port: 5070 });
    assert.match((layer.sent[0]!.msg as SipRequest).uri, /^sip:\[::1\]:5070$/);
    ka.remove(a);
    clock.advance(30_000);
    assert.equal(layer.sent.length, 1);
    ka.close();
    assert.equal(clock.pending, 0);
  });
});
