/**
 * Blind transfer (RFC 3515 + RFC 5589 "basic transfer"): a leg in a bridge sent REFER to
 * `target`. The bridge is detached at once (so a transferor that hangs up right after the 202
 * does not take the other party down), the target is called, and:
 *  - answered: the remaining leg is bridged to the new one, the transferor gets NOTIFY
 *    "200 OK" and, if it has not hung up by itself after `graceMs`, a BYE;
 *  - failed: the transferor (if still there) gets a final NOTIFY with the failure and the
 *    original two legs are bridged again; if it has gone, the remaining leg is hung up.
 * If the remaining leg hangs up while the target is being called, the call to it is cancelled.
 */
import type { B2bua } from './b2bua.js';
import { Bridge } from './bridge.js';
import type { Leg } from './leg.js';
import type { OutboundLeg, OutboundOptions } from './outbound-leg.js';
import type { LegEnd } from './types.js';

export interface TransferResult {
  ok: boolean;
  /** Final status of the call to the target (200 when answered). */
  code: number;
  /** The bridge now carrying the remaining leg (new on success, restored on failure). */
  bridge?: Bridge;
  leg: OutboundLeg;
}

export async function blindTransfer(opts: {
  b2bua: B2bua;
  bridge: Bridge;
  /** The leg that sent REFER. */
  transferor: Leg;
  /** How to call the target (uri/target resolved by the caller's routing). */
  call: OutboundOptions;
  graceMs?: number;
}): Promise<TransferResult> {
  const { bridge, transferor } = opts;
  const other = bridge.a === transferor ? bridge.b : bridge.a;
  bridge.detach();
  const leg = opts.b2bua.call(opts.call);
  const offOther = other.once('ended', () => void leg.hangup());
  const outcome = await new Promise<{ ok: true } | { ok: false; end: LegEnd }>((resolve) => {
    leg.once('answered', () => resolve({ ok: true }));
    leg.once('ended', (end) => resolve({ ok: false, end }));
  });
  offOther();
  if (!outcome.ok) {
    const code = outcome.end.code >= 300 ? outcome.end.code : 487;
    if (transferor.state === 'answered' && other.state === 'answered') {
      await transferor.notifyRefer(code, 'Transfer failed', true);
      return { ok: false, code, leg, bridge: new Bridge(bridge.a, bridge.b) };
    }
    void other.hangup();
    return { ok: false, code, leg };
  }
  const joined = new Bridge(other, leg);
  if (other.state !== 'answered') void leg.hangup();
  if (transferor.state === 'answered') {
    await transferor.notifyRefer(200, 'OK', true);
    transferor.stack.clock.setTimer(opts.graceMs ?? 4000, () => {
      if (transferor.state === 'answered') void transferor.hangup();
    });
  }
  return { ok: true, code: 200, bridge: joined, leg };
}
