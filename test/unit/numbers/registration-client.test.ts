import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../../src/kernel/clock.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { parseCredentials, verifyCredentials } from '../../../src/sip/digest/index.js';
import { getHeader, type SipRequest, type SipResponse } from '../../../src/sip/message.js';
import type { ClientTxUser, TxTarget } from '../../../src/sip/transaction/types.js';
import { RegistrationClient, refreshDelayMs } from '../../../src/sip/trunk/registration-client.js';

/** A stack that records REGISTERs and lets the test answer them. */
class ScriptedStack {
  sent: { req: SipRequest; user: ClientTxUser }[] = [];
  localAddress() {
    return { host: '192.0.2.1', port: 5060, transport: 'udp' as const };
  }
  sendRequest(req: SipRequest, _t: TxTarget, user: ClientTxUser) {
    this.sent.push({ req, user });
    return undefined as never;
  }
  last() {
    return this.sent[this.sent.length - 1]!;
  }
  answer(status: number, headers: { name: string; value: string }[] = []) {
    const res: SipResponse = {
      type: 'response',
      status,
      reason: 'X',
      version: 'SIP/2.0',
      headers,
      body: Buffer.alloc(0),
    };
    this.last().user.onResponse(res);
  }
}

const challenge = (extra = '') => ({
  name: 'WWW-Authenticate',
  value: `Digest realm="carrier.example", nonce="abc123", algorithm=MD5, qop="auth"${extra}`,
});

function setup(retry?: { retryMs?: number; maxRetryMs?: number }) {
  const clock = new FakeClock(Date.UTC(2026, 10, 23, 8, 0, 0));
  const stack = new ScriptedStack();
  const client = new RegistrationClient({
    stack,
    clock,
    logger: silentLogger,
    config: {
      id: 'trk_t',
      registrar: { transport: 'udp', host: '198.51.100.7', port: 5060 },
      domain: 'carrier.example',
      username: 'alice',
      password: 's3cret',
      expires: 600,
    },
    ...retry,
  });
  return { clock, stack, client };
}

describe('RegistrationClient', () => {
  it('answers a 401 with valid digest credentials and a new CSeq, same Call-ID', () => {
    const { stack, client } = setup();
    client.start();
    assert.equal(stack.sent.length, 1);
    const r1 = stack.last().req;
    assert.equal(r1.uri, 'sip:carrier.example');
    assert.equal(getHeader(r1, 'Expires'), '600');
    assert.equal(getHeader(r1, 'Contact'), '<sip:alice@192.0.2.1:5060>');
    stack.answer(401, [challenge()]);
    assert.equal(stack.sent.length, 2);
    const r2 = stack.last().req;
    assert.equal(getHeader(r2, 'Call-ID'), getHeader(r1, 'Call-ID'));
    assert.equal(getHeader(r2, 'CSeq'), '2 REGISTER');
    const creds = parseCredentials(getHeader(r2, 'Authorization')!)!;
    assert.equal(creds.qop, 'auth');
    assert.equal(creds.uri, 'sip:carrier.example');
    assert.ok(verifyCredentials(creds, { password: 's3cret' }, 'REGISTER'));
    assert.ok(!verifyCredentials(creds, { password: 'other' }, 'REGISTER'));
  });

  it('takes the expiry from its Contact, else Expires, and refreshes 30 s before it', () => {
    const { clock, stack, client } = setup();
    client.start();
    stack.answer(200, [
      { name: 'Contact', value: '<sip:bob@192.0.2.9>;expires=999, <sip:alice@192.0.2.1:5060>;expires=120' },
      { name: 'Expires', value: '3600' },
    ]);
    assert.equal(client.status.state, 'registered');
    assert.equal(client.status.expiresAt, clock.now() + 120_000);
    clock.advance(refreshDelayMs(120) - 1);
    assert.equal(stack.sent.length, 1);
    clock.advance(1);
    assert.equal(stack.sent.length, 2);
    stack.answer(200, [{ name: 'Expires', value: '300' }]);
    assert.equal(client.status.expiresAt, clock.now() + 300_000);
    assert.equal(refreshDelayMs(300), 270_000);
    assert.equal(refreshDelayMs(40), 20_000); // never before half-time
  });

  it('a second challenge for the same attempt means wrong credentials: failed, no loop', () => {
    const { stack, client } = setup();
    client.start();
    stack.answer(401, [challenge()]);
    stack.answer(401, [challenge()]);
    assert.equal(stack.sent.length, 2);
    assert.equal(client.status.state, 'failed');
    assert.equal(client.status.lastCode, 401);
    assert.equal(client.status.lastError, 'credentials rejected');
  });

  it('a stale nonce is answered again', () => {
    const { stack, client } = setup();
    client.start();
    stack.answer(401, [challenge()]);
    stack.answer(401, [challenge(', stale=true')]);
    assert.equal(stack.sent.length, 3);
    stack.answer(200);
    assert.equal(client.status.state, 'registered');
  });

  it('retries failures with exponential backoff up to the cap, and resets after success', () => {
    const { clock, stack, client } = setup({ retryMs: 1000, maxRetryMs: 4000 });
    client.start();
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      stack.answer(503);
      assert.equal(client.status.state, 'failed');
      const before = stack.sent.length;
      let waited = 0;
      while (stack.sent.length === before) {
        clock.advance(250);
        waited += 250;
      }
      delays.push(waited);
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 4000]);
    stack.answer(200);
    stack.last().user.onTimeout('timeout'); // a late timeout of an answered transaction changes nothing
    clock.advance(refreshDelayMs(600));
    stack.answer(500);
    assert.equal(client.status.lastCode, 500);
    const before = stack.sent.length;
    clock.advance(1000);
    assert.equal(stack.sent.length, before + 1, 'first retry after the initial delay again');
  });

  it('a timeout is reported as 408 and a transport error as 503', () => {
    const { stack, client } = setup();
    client.start();
    stack.last().user.onTimeout('timeout');
    assert.equal(client.status.lastCode, 408);
    assert.equal(client.status.state, 'failed');
    const b = setup();
    b.client.start();
    b.stack.last().user.onTimeout('transport-error');
    assert.equal(b.client.status.lastCode, 503);
  });

  it('423 Interval Too Brief: asks again with Min-Expires', () => {
    const { stack, client } = setup();
    client.start();
    stack.answer(423, [{ name: 'Min-Expires', value: '1800' }]);
    assert.equal(stack.sent.length, 2);
    assert.equal(getHeader(stack.last().req, 'Expires'), '1800');
    stack.answer(200);
    assert.equal(client.status.state, 'registered');
  });

  it('stop() unregisters with Expires: 0 and cancels the refresh', async () => {
    const { clock, stack, client } = setup();
    client.start();
    stack.answer(200);
    const stopped = client.stop();
    assert.equal(getHeader(stack.last().req, 'Expires'), '0');
    stack.answer(200);
    await stopped;
    assert.equal(client.status.state, 'unregistered');
    const n = stack.sent.length;
    clock.advance(3_600_000);
    assert.equal(stack.sent.length, n);
  });
});
