/**
 * Debian's baresip as a demo agent, configured the way the README tells a newcomer (account
 * `<sip:1001@demo.switchboard.local>`, password Demo@2026, the server as outbound proxy) plus
 * what a test needs instead of a sound card: it talks a 440 Hz WAV, dumps what it decodes to a
 * WAV (sndfile), auto-answers, and reports events (REGISTER_OK, CALL_ESTABLISHED, CALL_DTMF_START)
 * over ctrl_tcp.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { sineWav } from '../../support/sine-wav.js';
import { freeTcpPort } from '../sip/baresip-harness.js';
import { freeUdpPort } from '../sip/harness.js';

export interface AgentEvent {
  type: string;
  param?: string;
  [k: string]: unknown;
}

/** The README's account line for extension `user`, with the server at `proxy` (host:port). */
export function accountLine(user: string, proxy: string): string {
  return `<sip:${user}@demo.switchboard.local>;auth_pass=Demo@2026;outbound="sip:${proxy}";regint=600;answermode=auto`;
}

export class BaresipAgent {
  readonly events: AgentEvent[] = [];
  output = '';
  readonly #dir: string;
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  #sock: Socket | undefined;
  #buf = '';

  private constructor(child: ChildProcess, dir: string) {
    this.#child = child;
    this.#dir = dir;
    this.#exited = new Promise((r) => child.once('exit', () => r()));
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  static async start(dir: string, user: string, proxy: string): Promise<BaresipAgent> {
    mkdirSync(dir, { recursive: true });
    const sipPort = await freeUdpPort();
    const ctrlPort = await freeTcpPort();
    const rtp = 46000 + 10 * Math.floor(Math.random() * 290);
    const talk = join(dir, 'talk-440.wav');
    writeFileSync(talk, sineWav(440, 30_000, 8000, 8000));
    writeFileSync(
      join(dir, 'config'),
      [
        'poll_method epoll',
        `sip_listen 127.0.0.1:${sipPort}`,
        `audio_source aufile,${talk}`,
        'audio_player aubridge,x',
        `audio_alert aufile,${talk}`,
        'module_path /usr/lib/baresip/modules',
        'module g711.so',
        'module aufile.so',
        'module aubridge.so',
        'module sndfile.so',
        `snd_path ${dir}`,
        'module_app account.so',
        'module_app menu.so',
        'module_app ctrl_tcp.so',
        `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
        `rtp_ports ${rtp}-${rtp + 9}`,
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'accounts'), `${accountLine(user, proxy)}\n`);
    const child = spawn('baresip', ['-4', '-n', '127.0.0.1', '-f', dir], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const agent = new BaresipAgent(child, dir);
    for (let i = 0; i < 100 && !agent.#sock; i++) {
      try {
        agent.#sock = await new Promise<Socket>((resolve, reject) => {
          const s = connect(ctrlPort, '127.0.0.1', () => resolve(s));
          s.once('error', reject);
        });
      } catch {
        await new Promise((r) => setTimeout(r, 100)); // an external process coming up
      }
    }
    if (!agent.#sock) throw new Error(`baresip ctrl_tcp did not come up: ${agent.output}`);
    agent.#sock.on('data', (d: Buffer) => agent.#onData(d.toString()));
    return agent;
  }

  #onData(s: string): void {
    this.#buf += s;
    for (;;) {
      const colon = this.#buf.indexOf(':');
      if (colon < 0) return;
      const len = Number(this.#buf.slice(0, colon));
      if (this.#buf.length < colon + 1 + len + 1) return;
      const body = this.#buf.slice(colon + 1, colon + 1 + len);
      this.#buf = this.#buf.slice(colon + 1 + len + 1);
      try {
        const m = JSON.parse(body) as AgentEvent & { event?: boolean };
        if (m.event) this.events.push(m);
      } catch {
        // command responses: not needed
      }
    }
  }

  /**
   * Registration can finish before ctrl_tcp is connected (its event is then lost), so the console
   * line counts too: `1001@demo.switchboard.local: {0/UDP/v4} 200 OK () [1 binding]`.
   */
  registered(): boolean | undefined {
    if (this.has('REGISTER_OK') || /: \{\d+\/UDP\/v4\} 200 OK/.test(this.output)) return true;
    if (
      this.has('REGISTER_FAIL') ||
      /reg(ister)? failed|ENOSYS|Function not implemented/i.test(this.output)
    ) {
      return false;
    }
    return undefined;
  }

  has(type: string): boolean {
    return this.events.some((e) => e.type === type);
  }

  /** What baresip decoded from the call (sndfile's `*-dec.wav` dump; complete after stop()). */
  heardWav(): string {
    const dumps = readdirSync(this.#dir).filter((f) => f.endsWith('-dec.wav'));
    if (dumps.length !== 1) throw new Error(`expected one decoder dump, got ${dumps.join(',') || 'none'}`);
    return join(this.#dir, dumps[0]!);
  }

  digits(): string {
    return this.events
      .filter((e) => e.type === 'CALL_DTMF_START')
      .map((e) => e.param ?? '?')
      .join('');
  }

  async stop(): Promise<void> {
    const body = JSON.stringify({ command: 'quit', params: '', token: '1' });
    this.#sock?.write(`${Buffer.byteLength(body)}:${body},`);
    const t = setTimeout(() => this.#child.kill('SIGKILL'), 3000);
    await this.#exited;
    clearTimeout(t);
    this.#sock?.destroy();
  }
}
