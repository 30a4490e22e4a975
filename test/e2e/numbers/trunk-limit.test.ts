import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../../../src/kernel/clock.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { InMemoryLocationStore, InMemoryUserDirectory } from '../../../src/sip/registrar/ports.js';
import { type SipService, startSipService } from '../../../src/sip/service.js';
import { attachInboundRouter, type TrunkCallRouting } from '../../../src/sip/trunk/inbound-router.js';
import { freeUdpPort, scratchDir, sipp, sippTotals } from '../sip/harness.js';

/**
 * The SIP-side inbound router on its own (no database): an IP-authenticated trunk with
 * maxConcurrentCalls 1. While a first call is up, a second one over the same trunk gets 503; the
 * first completes. The numbers port is a stub that records when it was asked.
 */
describe('trunk concurrent-call limit (SIPp carrier and callee, in-process SIP service)', () => {
  const scratch = scratchDir();
  let svc: SipService;
  let sipPort: number;
  let carrier1: number;
  let carrier2: number;
  let callee: number;
  let asked: () => void = () => {};
  const firstRouted = new Promise<void>((r) => (asked = r));
  let routed = 0;

  before(async () => {
    [carrier1, carrier2, callee] = [await freeUdpPort(), await freeUdpPort(), await freeUdpPort()];
    const users = new InMemoryUserDirectory();
    const locations = new InMemoryLocationStore();
    svc = await startSipService({
      config: {
        host: '127.0.0.1',
        udpPort: 0,
        autoBridge: false,
        trunks: [
          { host: '127.0.0.1', port: carrier1, tenantId: 'ten_a' },
          { host: '127.0.0.1', port: carrier2, tenantId: 'ten_a' },
        ],
      },
      clock: systemClock,
      logger: silentLogger,
      users,
      locations,
      media: { allocate: () => ({ address: '127.0.0.1', port: 40000 }), release: () => {} },
    });
    sipPort = svc.listening()[0]!.localPort;
    const numbers: TrunkCallRouting = {
      async route(call) {
        routed++;
        asked();
        return {
          entryPoint: `sip:callee@127.0.0.1:${callee}`,
          reason: 'rule',
          tenantId: call.trunkTenantId ?? null,
          sipDomain: null,
          calledNumber: '+861055500100',
          trunkId: 'trk_one',
          maxConcurrentCalls: 1,
        };
      },
    };
    attachInboundRouter({
      b2bua: svc.b2bua,
      clock: systemClock,
      logger: silentLogger,
      users,
      locations,
      numbers,
    });
  });
  after(async () => {
    await svc?.close();
    scratch.remove();
  });

  it('the second call while the first is up gets 503; the first completes', async () => {
    const phone = sipp({
      scenario: 'trunk-uas-slow.xml',
      port: callee,
      calls: 1,
      cwd: scratch.dir,
      timeoutS: 20,
    });
    const first = sipp({
      scenario: 'trunk-uac.xml',
      port: carrier1,
      remote: `127.0.0.1:${sipPort}`,
      service: '01055500100',
      calls: 1,
      cwd: scratch.dir,
      timeoutS: 20,
      extra: ['-key', 'caller', '13800138000', '-key', 'dialled', '01055500100'],
    });
    await firstRouted; // the slot is taken as soon as the first call is routed
    const second = await sipp({
      scenario: 'trunk-uac-503.xml',
      port: carrier2,
      remote: `127.0.0.1:${sipPort}`,
      service: '01055500100',
      calls: 1,
      cwd: scratch.dir,
      timeoutS: 15,
      extra: ['-key', 'caller', '13900000000'],
    }).done;
    const one = await first.done;
    const answered = await phone.done;
    assert.deepEqual(sippTotals(second.stdout), { ok: 1, failed: 0 }, second.stdout.slice(-2000));
    assert.deepEqual(sippTotals(one.stdout), { ok: 1, failed: 0 }, one.stdout.slice(-2000));
    assert.deepEqual(sippTotals(answered.stdout), { ok: 1, failed: 0 }, answered.stdout.slice(-2000));
    assert.equal(routed, 2);
  });
});
