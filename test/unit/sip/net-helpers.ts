/** In-memory SIP network for stack/registrar/B2BUA unit tests (SIP helper B). */
import { FakeClock } from '../../../src/kernel/clock.js';
import { TypedEmitter } from '../../../src/kernel/events.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import type { SipMessage } from '../../../src/sip/message.js';
import { parseMessage, serializeMessage } from '../../../src/sip/parser.js';
import { createSipStack, type SipStack, type StackTransport } from '../../../src/sip/stack.js';
import type { TxSource, TxTarget } from '../../../src/sip/transaction/types.js';

type Events = { message: [msg: SipMessage, src: TxSource] };

export class FakeTransport extends TypedEmitter<Events> implements StackTransport {
  readonly host: string;
  readonly port: number;
  readonly net: FakeNet;
  readonly sent: { msg: SipMessage; target: TxTarget }[] = [];

  constructor(net: FakeNet, host: string, port: number) {
    super();
    this.net = net;
    this.host = host;
    this.port = port;
  }

  async send(msg: SipMessage, target: TxTarget): Promise<void> {
    this.sent.push({ msg, target });
    this.net.deliver(this, msg, target);
  }

  listening(): TxSource[] {
    return [
      { transport: 'udp', remoteAddress: '', remotePort: 0, localAddress: this.host, localPort: this.port },
    ];
  }
}

/** Delivers serialized-then-parsed copies (so no object is shared), with optional loss. */
export class FakeNet {
  readonly clock = new FakeClock();
  readonly #nodes = new Map<string, FakeTransport>();
  /** Drop the next N messages matching the predicate. */
  drop: ((m: SipMessage) => boolean) | undefined;
  delivered = 0;

  transport(host: string, port: number): FakeTransport {
    const t = new FakeTransport(this, host, port);
    this.#nodes.set(`${host}:${port}`, t);
    return t;
  }

  stack(
    host: string,
    port: number,
    opts: Partial<Parameters<typeof createSipStack>[0]> = {},
  ): { stack: SipStack; transport: FakeTransport } {
    const transport = this.transport(host, port);
    const stack = createSipStack({ transport, clock: this.clock, logger: silentLogger, ...opts });
    return { stack, transport };
  }

  deliver(from: FakeTransport, msg: SipMessage, target: TxTarget): void {
    const copy = parseMessage(serializeMessage(msg));
    if (this.drop?.(copy)) return;
    const to = this.#nodes.get(`${target.host}:${target.port}`);
    if (!to) return;
    setImmediate(() => {
      this.delivered++;
      to.safeEmit('message', copy, {
        transport: 'udp',
        remoteAddress: from.host,
        remotePort: from.port,
        localAddress: to.host,
        localPort: to.port,
      });
    });
  }
}

export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

/** Advance the fake clock in steps, letting deliveries run between steps. */
export async function run(net: FakeNet, ms: number, step = 100): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    net.clock.advance(Math.min(step, ms - t));
    await settle(5);
  }
}
