/**
 * OPTIONS keep-alive ("qualify"): periodically sends an out-of-dialog OPTIONS to each target
 * (a registered contact behind NAT, a trunk) so NAT bindings stay open and dead peers are
 * noticed. Any response (even 404 or 405) proves the peer is reachable. Stateless on the wire:
 * probes are matched to targets by their Via branch. CRLF keep-alive on streams is the
 * client's job (RFC 5626); the transport layer answers it.
 */
import type { Clock, TimerHandle } from '../../kernel/clock.js';
import { TypedEmitter } from '../../kernel/events.js';
import { newBranch, newCallId, newTag } from '../headers/ids.js';
import { parseVia } from '../headers/via.js';
import { getHeader, type SipRequest } from '../message.js';
import type { SipTarget, SipTransportLayer } from './types.js';

export interface KeepAliveTarget extends SipTarget {
  /** Request-URI for the probe (the contact URI); default sip:host:port. */
  uri?: string;
}

export type KeepAliveEvents = {
  up: [id: string, target: KeepAliveTarget];
  down: [id: string, target: KeepAliveTarget];
};

interface Entry {
  target: KeepAliveTarget;
  branch: string | undefined;
  misses: number;
  state: 'unknown' | 'up' | 'down';
  cseq: number;
  callId: string;
  tag: string;
}

export interface KeepAliveOptions {
  clock: Clock;
  /** Our address as advertised in Via/From, per transport. */
  local: (transport: SipTarget['transport']) => { host: string; port: number };
  intervalMs?: number;
  /** Unanswered probes in a row before a target is reported down. Default 3. */
  maxMisses?: number;
}

export class OptionsKeepAlive extends TypedEmitter<KeepAliveEvents> {
  readonly #layer: Pick<SipTransportLayer, 'send' | 'on'>;
  readonly #o: KeepAliveOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #byBranch = new Map<string, string>();
  readonly #offMessage: () => void;
  #timer: TimerHandle | undefined;
  #next = 1;
  #closed = false;

  constructor(layer: Pick<SipTransportLayer, 'send' | 'on'>, opts: KeepAliveOptions) {
    super();
    this.#layer = layer;
    this.#o = opts;
    this.#offMessage = layer.on('message', (m) => {
      if (m.type !== 'response') return;
      const via = getHeader(m, 'via');
      let branch: string | undefined;
      try {
        branch = via ? parseVia(via).branch : undefined;
      } catch {
        return;
      }
      const id = branch ? this.#byBranch.get(branch) : undefined;
      const e = id ? this.#entries.get(id) : undefined;
      if (!id || !e) return;
      this.#byBranch.delete(branch!);
      e.branch = undefined;
      e.misses = 0;
      if (e.state !== 'up') {
        e.state = 'up';
        this.safeEmit('up', id, e.target);
      }
    });
    this.#schedule();
  }

  /** Start probing a target; the first probe goes out now. Returns its id. */
  add(target: KeepAliveTarget): string {
    const id = `ka-${this.#next++}`;
    this.#entries.set(id, {
      target,
      branch: undefined,
      misses: 0,
      state: 'unknown',
      cseq: 0,
      callId: newCallId(),
      tag: newTag(),
    });
    this.#probe(id);
    return id;
  }

  remove(id: string): void {
    const e = this.#entries.get(id);
    if (e?.branch) this.#byBranch.delete(e.branch);
    this.#entries.delete(id);
  }

  state(id: string): 'unknown' | 'up' | 'down' | undefined {
    return this.#entries.get(id)?.state;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#o.clock.clearTimer(this.#timer);
    this.#offMessage();
    this.#entries.clear();
    this.#byBranch.clear();
    this.removeAllListeners();
  }

  #schedule(): void {
    this.#timer = this.#o.clock.setTimer(this.#o.intervalMs ?? 30_000, () => {
      for (const id of [...this.#entries.keys()]) this.#probe(id);
      if (!this.#closed) this.#schedule();
    });
  }

  #probe(id: string): void {
    const e = this.#entries.get(id);
    if (!e) return;
    if (e.branch !== undefined) {
      // the previous probe went unanswered
      this.#byBranch.delete(e.branch);
      e.misses++;
      if (e.misses >= (this.#o.maxMisses ?? 3) && e.state !== 'down') {
        e.state = 'down';
        this.safeEmit('down', id, e.target);
      }
    }
    const t = e.target;
    const local = this.#o.local(t.transport);
    const hostOf = (h: string) => (h.includes(':') && !h.startsWith('[') ? `[${h}]` : h);
    const uri = t.uri ?? `sip:${hostOf(t.host)}:${t.port}`;
    e.branch = newBranch();
    e.cseq++;
    this.#byBranch.set(e.branch, id);
    const req: SipRequest = {
      type: 'request',
      method: 'OPTIONS',
      uri,
      version: 'SIP/2.0',
      headers: [
        {
          name: 'Via',
          value: `SIP/2.0/${t.transport.toUpperCase()} ${hostOf(local.host)}:${local.port};branch=${e.branch};rport`,
        },
        { name: 'Max-Forwards', value: '70' },
        { name: 'From', value: `<sip:keepalive@${hostOf(local.host)}>;tag=${e.tag}` },
        { name: 'To', value: `<${uri}>` },
        { name: 'Call-ID', value: e.callId },
        { name: 'CSeq', value: `${e.cseq} OPTIONS` },
        { name: 'Content-Length', value: '0' },
      ],
      body: Buffer.alloc(0),
    };
    this.#layer.send(req, t).catch(() => {
      // unreachable now (e.g. flow closed): counts as a miss at the next tick
    });
  }
}
