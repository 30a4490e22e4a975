/**
 * JsSIP (in Node, over `ws`) against the SIP service: it registers over WebSocket with digest
 * (MD5; JsSIP computes nothing else) in the real registrar, and a call from a SIPp trunk to its
 * AOR is routed by the B2BUA over the registered WebSocket flow. JsSIP has no WebRTC stack in
 * Node, so it rejects the call with 486; SIPp checks that the 486 comes back through the B2BUA.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { it } from 'node:test';
import { freeUdpPort, scratchDir, sipp, sippTotals, startService } from './harness.js';

const require = createRequire(import.meta.url);
// biome-ignore lint/suspicious/noExplicitAny: JsSIP and ws are untyped in this setup
const JsSIP = require('jssip') as any;
// biome-ignore lint/suspicious/noExplicitAny: see above
(globalThis as any).WebSocket ??= require('ws');
JsSIP.debug.disable('JsSIP:*');

/** JsSIP builds an RTCPeerConnection for every incoming call; a stub is enough to reject it. */
class StubPeerConnection {
  signalingState = 'stable';
  iceGatheringState = 'complete';
  addEventListener(): void {}
  removeEventListener(): void {}
  close(): void {}
  getSenders(): unknown[] {
    return [];
  }
  getReceivers(): unknown[] {
    return [];
  }
}

it('JsSIP registers over WS with digest and is called through the B2BUA (rejects with 486)', async () => {
  const uacPort = await freeUdpPort();
  // the service default digest (md5, as config sip.digest ships): JsSIP answers MD5 only
  const svc = await startService({
    wsPort: 0,
    trunks: [{ host: '127.0.0.1', port: uacPort }],
  });
  const wsPort = svc.svc.listening().find((l) => l.transport === 'ws')!.localPort;
  const scratch = scratchDir();
  // biome-ignore lint/suspicious/noExplicitAny: global shim for JsSIP
  const g = globalThis as any;
  const hadPc = g.RTCPeerConnection;
  const hadWindow = g.window;
  g.RTCPeerConnection ??= StubPeerConnection;
  g.window ??= { RTCPeerConnection: g.RTCPeerConnection };
  const ua = new JsSIP.UA({
    sockets: [new JsSIP.WebSocketInterface(`ws://127.0.0.1:${wsPort}`)],
    uri: 'sip:1001@127.0.0.1',
    password: 'pw1001',
    register: true,
    register_expires: 300,
    user_agent: 'JsSIP e2e',
  });
  try {
    const outcome = new Promise<string>((resolve) => {
      ua.on('registered', () => resolve('registered'));
      ua.on('registrationFailed', (e: { cause: string }) => resolve(`failed: ${e.cause}`));
      setTimeout(() => resolve('timeout'), 10_000).unref();
    });
    ua.start();
    assert.equal(await outcome, 'registered');
    const bindings = await svc.locations.lookup('tenant-1', 'sip:1001@127.0.0.1', Date.now());
    assert.equal(bindings.length, 1);
    assert.equal(bindings[0]!.source.transport, 'ws');

    const incoming: string[] = [];
    // biome-ignore lint/suspicious/noExplicitAny: JsSIP event payload
    ua.on('newRTCSession', (e: any) => {
      incoming.push(String(e.request.from.uri.user));
      e.session.terminate({ status_code: 486 });
    });
    const r = await sipp({
      scenario: 'uac-expect-486.xml',
      port: uacPort,
      remote: `127.0.0.1:${svc.port}`,
      service: '1001',
      calls: 1,
      cwd: scratch.dir,
      timeoutS: 15,
    }).done;
    assert.deepEqual(sippTotals(r.stdout), { ok: 1, failed: 0 }, r.stdout.slice(-2000));
    assert.deepEqual(incoming, ['sipp']);
  } finally {
    ua.stop();
    if (hadPc === undefined) delete g.RTCPeerConnection;
    if (hadWindow === undefined) delete g.window;
    await new Promise((r) => setTimeout(r, 200)); // let JsSIP send its un-REGISTER before closing
    await svc.close();
    scratch.remove();
  }
});
