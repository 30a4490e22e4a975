/**
 * Debian's rtpengine (userspace, kernel forwarding off) as the reference relay for
 * bench/media-relay.ts: starts the daemon on 127.0.0.1, sets up calls with the NG protocol
 * (bencode over UDP: offer/answer/delete) and returns the ports the load generator must hit.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';

type BValue = string | number | BValue[] | { [k: string]: BValue };

function bencode(v: BValue): string {
  if (typeof v === 'number') return `i${Math.trunc(v)}e`;
  if (typeof v === 'string') return `${Buffer.byteLength(v)}:${v}`;
  if (Array.isArray(v)) return `l${v.map(bencode).join('')}e`;
  const keys = Object.keys(v).sort();
  return `d${keys.map((k) => bencode(k) + bencode(v[k]!)).join('')}e`;
}

function bdecode(s: string): BValue {
  let i = 0;
  const buf = Buffer.from(s);
  const parse = (): BValue => {
    const c = String.fromCharCode(buf[i]!);
    if (c === 'i') {
      const e = buf.indexOf(0x65, i);
      const n = Number(buf.toString('latin1', i + 1, e));
      i = e + 1;
      return n;
    }
    if (c === 'l') {
      i++;
      const out: BValue[] = [];
      while (buf[i] !== 0x65) out.push(parse());
      i++;
      return out;
    }
    if (c === 'd') {
      i++;
      const out: Record<string, BValue> = {};
      while (buf[i] !== 0x65) {
        const k = parse() as string;
        out[k] = parse();
      }
      i++;
      return out;
    }
    const colon = buf.indexOf(0x3a, i);
    const len = Number(buf.toString('latin1', i, colon));
    const str = buf.toString('utf8', colon + 1, colon + 1 + len);
    i = colon + 1 + len;
    return str;
  };
  return parse();
}

function sdpFor(port: number): string {
  return [
    'v=0',
    'o=- 1 1 IN IP4 127.0.0.1',
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${port} RTP/AVP 0`,
    'a=rtpmap:0 PCMU/8000',
    'a=sendrecv',
    '',
  ].join('\r\n');
}

function portOf(sdp: string): number {
  const m = /^m=audio (\d+)/m.exec(sdp);
  if (!m) throw new Error('no m=audio in rtpengine SDP');
  return Number(m[1]);
}

export class RtpEngine {
  readonly #proc: ChildProcess;
  readonly #sock: dgram.Socket;
  readonly #ngPort: number;
  #cookie = 0;
  readonly #waiting = new Map<string, (v: Record<string, BValue>) => void>();

  private constructor(proc: ChildProcess, sock: dgram.Socket, ngPort: number) {
    this.#proc = proc;
    this.#sock = sock;
    this.#ngPort = ngPort;
    sock.on('message', (m) => {
      const s = m.toString('latin1');
      const sp = s.indexOf(' ');
      const cb = this.#waiting.get(s.slice(0, sp));
      if (!cb) return;
      this.#waiting.delete(s.slice(0, sp));
      cb(bdecode(s.slice(sp + 1)) as Record<string, BValue>);
    });
  }

  static async start(opts: {
    threads: number;
    portMin: number;
    portMax: number;
    ngPort: number;
  }): Promise<RtpEngine> {
    const proc = spawn(
      'rtpengine',
      [
        '--foreground',
        '--table=-1',
        '--interface=127.0.0.1',
        `--listen-ng=127.0.0.1:${opts.ngPort}`,
        `--port-min=${opts.portMin}`,
        `--port-max=${opts.portMax}`,
        `--num-threads=${opts.threads}`,
        '--log-level=3',
        '--log-stderr',
        '--no-fallback',
        '--delete-delay=0',
        '--pidfile=none',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    proc.stderr?.on('data', (d) => (err += d.toString()));
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    const engine = new RtpEngine(proc, sock, opts.ngPort);
    for (let i = 0; i < 50; i++) {
      try {
        await engine.command({ command: 'ping' }, 200);
        return engine;
      } catch {
        if (proc.exitCode !== null) break;
      }
    }
    await engine.stop();
    throw new Error(`rtpengine did not start: ${err.slice(-500)}`);
  }

  get pid(): number | undefined {
    return this.#proc.pid;
  }

  command(msg: Record<string, BValue>, timeoutMs = 2000): Promise<Record<string, BValue>> {
    const cookie = `c${++this.#cookie}`;
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.#waiting.delete(cookie);
        reject(new Error(`rtpengine ${String(msg.command)} timed out`));
      }, timeoutMs);
      this.#waiting.set(cookie, (v) => {
        clearTimeout(t);
        resolve(v);
      });
      this.#sock.send(`${cookie} ${bencode(msg)}`, this.#ngPort, '127.0.0.1');
    });
  }

  /** One relayed call; returns [port the caller sends to, port the agent sends to]. */
  async call(n: number): Promise<[number, number]> {
    const base = { 'call-id': `bench-${n}`, 'from-tag': `f${n}` };
    const offer = await this.command({
      command: 'offer',
      ...base,
      sdp: sdpFor(40_000),
      flags: ['trust-address'],
    });
    if (offer.result !== 'ok') throw new Error(`offer: ${JSON.stringify(offer)}`);
    const answer = await this.command({
      command: 'answer',
      ...base,
      'to-tag': `t${n}`,
      sdp: sdpFor(40_002),
      flags: ['trust-address'],
    });
    if (answer.result !== 'ok') throw new Error(`answer: ${JSON.stringify(answer)}`);
    // offer SDP goes to the agent (the port it sends to); answer SDP goes to the caller
    return [portOf(answer.sdp as string), portOf(offer.sdp as string)];
  }

  async stop(): Promise<void> {
    this.#sock.close();
    if (this.#proc.exitCode === null) {
      const done = new Promise((r) => this.#proc.once('exit', r));
      this.#proc.kill('SIGTERM');
      const t = setTimeout(() => this.#proc.kill('SIGKILL'), 3000);
      await done;
      clearTimeout(t);
    }
  }
}

/** CPU seconds (user + system) of a process from /proc (for the rtpengine daemon). */
export async function procCpuSeconds(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100;
}
