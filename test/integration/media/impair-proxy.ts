/**
 * A small UDP impairment proxy for tests: listens on 127.0.0.1, forwards the client's packets to
 * a target with deterministic loss, reordering and duplication, and relays the target's replies
 * back to the client untouched.
 */
import dgram from 'node:dgram';

export interface Impairment {
  /** Drop packet i when i % lossEvery === lossEvery / 2, rounded down (0 = no loss). */
  lossEvery?: number;
  /** Hold packet i back and send it after packet i + 1 when i % reorderEvery === 1. */
  reorderEvery?: number;
  /** Send packet i twice when i % duplicateEvery === 2. */
  duplicateEvery?: number;
}

export class ImpairProxy {
  readonly socket: dgram.Socket;
  readonly #target: number;
  readonly #imp: Impairment;
  #client: { address: string; port: number } | null = null;
  #i = 0;
  #held: Buffer | null = null;
  dropped = 0;
  reordered = 0;
  duplicated = 0;

  private constructor(socket: dgram.Socket, targetPort: number, imp: Impairment) {
    this.socket = socket;
    this.#target = targetPort;
    this.#imp = imp;
    socket.on('message', (buf, rinfo) => {
      if (rinfo.port === this.#target) {
        if (this.#client) socket.send(buf, this.#client.port, this.#client.address);
        return;
      }
      this.#client = { address: rinfo.address, port: rinfo.port };
      this.#forward(buf);
    });
  }

  static async open(targetPort: number, imp: Impairment): Promise<ImpairProxy> {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    return new ImpairProxy(s, targetPort, imp);
  }

  get port(): number {
    return this.socket.address().port;
  }

  #send(buf: Buffer): void {
    this.socket.send(buf, this.#target, '127.0.0.1');
  }

  #forward(buf: Buffer): void {
    const i = this.#i++;
    const { lossEvery = 0, reorderEvery = 0, duplicateEvery = 0 } = this.#imp;
    if (lossEvery > 0 && i % lossEvery === lossEvery >> 1) {
      this.dropped++;
      return;
    }
    if (reorderEvery > 0 && i % reorderEvery === 1 && !this.#held) {
      this.#held = Buffer.from(buf);
      this.reordered++;
      return;
    }
    this.#send(buf);
    if (duplicateEvery > 0 && i % duplicateEvery === 2) {
      this.#send(buf);
      this.duplicated++;
    }
    if (this.#held) {
      this.#send(this.#held);
      this.#held = null;
    }
  }

  close(): Promise<void> {
    return new Promise((r) => this.socket.close(() => r()));
  }
}
