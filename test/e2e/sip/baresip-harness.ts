/** Headless baresip driven over its ctrl_tcp module (netstring-framed JSON). */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { freeUdpPort, run } from './harness.js';

export async function freeTcpPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export interface BaresipEvent {
  type: string;
  param?: string;
  peeruri?: string;
  [k: string]: unknown;
}

export class Baresip {
  readonly events: BaresipEvent[] = [];
  readonly #child: ChildProcess;
  readonly #done: Promise<unknown>;
  #sock: Socket | undefined;
  #buf = '';
  #waiters: { type: string; resolve: (e: BaresipEvent) => void }[] = [];
  output = '';

  private constructor(child: ChildProcess, done: Promise<unknown>) {
    this.#child = child;
    this.#done = done;
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  static async start(dir: string, account: string): Promise<Baresip> {
    mkdirSync(dir, { recursive: true });
    const sipPort = await freeUdpPort();
    const ctrlPort = await freeTcpPort();
    writeFileSync(
      join(dir, 'config'),
      [
        'poll_method epoll',
        'net_interface 127.0.0.1',
        `sip_listen 127.0.0.1:${sipPort}`,
        'module_path /usr/lib/baresip/modules',
        'module g711.so',
        'module_app account.so',
        'module_app menu.so',
        'module_app ctrl_tcp.so',
        `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
        'rtp_ports 30000-30999',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'accounts'), `${account}\n`);
    const { child, done } = run('baresip', ['-f', dir], { timeoutMs: 60_000, cwd: dir });
    const b = new Baresip(child, done);
    for (let i = 0; i < 50 && !b.#sock; i++) {
      try {
        b.#sock = await new Promise<Socket>((resolve, reject) => {
          const s = connect(ctrlPort, '127.0.0.1', () => resolve(s));
          s.once('error', reject);
        });
      } catch {
        await new Promise((r) => setTimeout(r, 100)); // waiting for an external process to listen
      }
    }
    if (!b.#sock) throw new Error(`baresip ctrl_tcp did not come up: ${b.output}`);
    b.#sock.on('data', (d: Buffer) => b.#onData(d.toString()));
    return b;
  }

  #onData(s: string): void {
    this.#buf += s;
    for (;;) {
      const colon = this.#buf.indexOf(':');
      if (colon < 0) return;
      const len = Number(this.#buf.slice(0, colon));
      if (this.#buf.length < colon + 1 + len + 1) return;
      const json = this.#buf.slice(colon + 1, colon + 1 + len);
      this.#buf = this.#buf.slice(colon + 1 + len + 1);
      try {
        const m = JSON.parse(json) as BaresipEvent & { event?: boolean };
        if (m.event) {
          this.events.push(m);
          const due = this.#waiters.filter((w) => w.type === m.type);
          this.#waiters = this.#waiters.filter((w) => w.type !== m.type);
          for (const w of due) w.resolve(m);
        }
      } catch {
        // responses to commands are not needed here
      }
    }
  }

  command(command: string, params = ''): void {
    const body = JSON.stringify({ command, params, token: String(Date.now()) });
    this.#sock?.write(`${Buffer.byteLength(body)}:${body},`);
  }

  /** Resolve on the first event of that type (already seen or future); reject after ms. */
  waitFor(type: string, ms = 10_000): Promise<BaresipEvent> {
    const seen = this.events.find((e) => e.type === type);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(
        () =>
          reject(new Error(`timeout waiting for ${type}; got ${this.events.map((e) => e.type).join(',')}`)),
        ms,
      );
      this.#waiters.push({
        type,
        resolve: (e) => {
          clearTimeout(t);
          resolve(e);
        },
      });
    });
  }

  async stop(): Promise<void> {
    this.command('quit');
    const t = setTimeout(() => this.#child.kill('SIGKILL'), 3000);
    await this.#done;
    clearTimeout(t);
    this.#sock?.destroy();
  }
}
