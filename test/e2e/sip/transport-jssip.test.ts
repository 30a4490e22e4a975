/**
 * A real WebSocket SIP client against the transport layer: JsSIP (in Node, over `ws`)
 * registers over WS with digest authentication computed by src/sip/digest, then answers an
 * OPTIONS the layer sends back over the same WebSocket flow.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { it } from 'node:test';
import { systemClock } from '../../../src/kernel/clock.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import {
  checkNonce,
  createNonce,
  parseCredentials,
  serializeChallenge,
  verifyCredentials,
} from '../../../src/sip/digest/index.js';
import { newBranch, newCallId, newTag } from '../../../src/sip/headers/ids.js';
import { createResponse, getHeader, type SipRequest } from '../../../src/sip/message.js';
import { createTransportLayer } from '../../../src/sip/transport/index.js';
import type { SipSource } from '../../../src/sip/transport/types.js';

const require = createRequire(import.meta.url);
// biome-ignore lint/suspicious/noExplicitAny: JsSIP and ws are untyped in this setup
const JsSIP = require('jssip') as any;
// biome-ignore lint/suspicious/noExplicitAny: see above
(globalThis as any).WebSocket ??= require('ws');
JsSIP.debug.disable('JsSIP:*');

it('JsSIP registers over WS with digest (MD5, qop=auth) and answers OPTIONS on the same flow', async () => {
  const layer = await createTransportLayer({
    ws: { host: '127.0.0.1', port: 0 },
    clock: systemClock,
    logger: silentLogger,
  });
  const port = layer.listening()[0]!.localPort;
  const secret = 'e2e-secret';
  const realm = '127.0.0.1';
  let registered = 0;
  let flow: SipSource | undefined;
  const optionsAnswered = new Promise<number>((resolve) => {
    layer.on('message', (m, src) => {
      if (m.type === 'response') {
        if (getHeader(m, 'cseq')?.endsWith('OPTIONS')) resolve(m.status);
        return;
      }
      const req = m as SipRequest;
      if (req.method !== 'REGISTER') return;
      const auth = getHeader(req, 'authorization');
      const creds = auth ? parseCredentials(auth) : undefined;
      const ok =
        creds !== undefined &&
        checkNonce(creds.nonce, secret, systemClock.now(), 60_000) === 'valid' &&
        verifyCredentials(creds, { password: 'agent-pw' }, 'REGISTER');
      if (!ok) {
        const challenge = serializeChallenge({
          realm,
          nonce: createNonce(secret, systemClock.now()),
          qop: ['auth'],
          algorithm: 'MD5',
        });
        void layer.sendResponse(
          createResponse(req, 401, {
            toTag: newTag(),
            headers: [{ name: 'WWW-Authenticate', value: challenge }],
          }),
          src,
        );
        return;
      }
      registered++;
      flow = src;
      void layer.sendResponse(
        createResponse(req, 200, {
          toTag: newTag(),
          headers: [{ name: 'Contact', value: `${getHeader(req, 'contact')};expires=300` }],
        }),
        src,
      );
    });
  });

  const ua = new JsSIP.UA({
    sockets: [new JsSIP.WebSocketInterface(`ws://127.0.0.1:${port}`)],
    uri: 'sip:agent7@127.0.0.1',
    password: 'agent-pw',
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
    assert.equal(registered, 1);
    assert.ok(flow?.connectionId);

    // our serializer → JsSIP's parser: an out-of-dialog OPTIONS over the registered flow
    const uri = 'sip:agent7@127.0.0.1';
    const options: SipRequest = {
      type: 'request',
      method: 'OPTIONS',
      uri,
      version: 'SIP/2.0',
      headers: [
        { name: 'Via', value: `SIP/2.0/WS 127.0.0.1:${port};branch=${newBranch()}` },
        { name: 'Max-Forwards', value: '70' },
        { name: 'From', value: `<sip:switchboard@127.0.0.1>;tag=${newTag()}` },
        { name: 'To', value: `<${uri}>` },
        { name: 'Call-ID', value: newCallId() },
        { name: 'CSeq', value: '1 OPTIONS' },
        { name: 'Content-Length', value: '0' },
      ],
      body: Buffer.alloc(0),
    };
    await layer.send(options, {
      transport: 'ws',
      host: flow!.remoteAddress,
      port: flow!.remotePort,
      connectionId: flow!.connectionId,
    });
    assert.equal(await optionsAnswered, 200);
  } finally {
    ua.stop();
    await layer.close();
  }
});
