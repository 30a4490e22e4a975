/**
 * Starts Switchboard exactly as the README's first command does — `node bin/switchboard.mjs
 * start` — with the default configuration except the ports and the data folder, chosen by the
 * test (other tests run at the same time). No other SWB_* variable reaches the child.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { createServer } from 'node:net';

/** A port free for both UDP and TCP on the wildcard (SIP listens on both, like 5060). */
export async function freeDualPort(): Promise<number> {
  for (;;) {
    const udp = dgram.createSocket('udp4');
    const port = await new Promise<number>((res) => udp.bind(0, '0.0.0.0', () => res(udp.address().port)));
    const tcp = createServer();
    const ok = await new Promise<boolean>((res) => {
      tcp.once('error', () => res(false));
      tcp.listen(port, '0.0.0.0', () => res(true));
    });
    udp.close();
    if (ok) {
      await new Promise<void>((r) => tcp.close(() => r()));
      return port;
    }
  }
}

export interface CliPorts {
  http: number;
  sip: number;
  ws: number;
  rtpMin: number;
  rtpMax: number;
}

export async function freeCliPorts(): Promise<CliPorts> {
  const http = await freeDualPort();
  const sip = await freeDualPort();
  const ws = await freeDualPort();
  // a block of RTP ports of our own (the plane skips pairs someone else holds)
  const rtpMin = 44000 + 2 * Math.floor(Math.random() * 1500);
  return { http, sip, ws, rtpMin, rtpMax: rtpMin + 199 };
}

/** The environment of `npm start` with only ports and the data folder set. */
export function cliEnv(ports: CliPorts, dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SWB_')) env[k] = v;
  return {
    ...env,
    SWB_HTTP_PORT: String(ports.http),
    SWB_SIP_UDP_PORT: String(ports.sip),
    SWB_SIP_TCP_PORT: String(ports.sip),
    SWB_SIP_WS_PORT: String(ports.ws),
    SWB_MEDIA_RTP_PORT_MIN: String(ports.rtpMin),
    SWB_MEDIA_RTP_PORT_MAX: String(ports.rtpMax),
    SWB_STORAGE_DATA_DIR: dataDir,
  };
}

export interface CliServer {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Resolves with the exit code (or the signal name). */
  readonly exited: Promise<number | string>;
  /** Resolves once the banner is out; rejects if the process exits first or after `ms`. */
  ready(ms?: number): Promise<void>;
  stop(): Promise<number | string>;
}

export function startCli(env: NodeJS.ProcessEnv): CliServer {
  const child = spawn(process.execPath, ['bin/switchboard.mjs', 'start'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | string>((res) =>
    child.once('exit', (code, signal) => res(code ?? signal ?? 'unknown')),
  );
  const s: CliServer = {
    child,
    stdout: '',
    stderr: '',
    exited,
    ready(ms = 90_000) {
      return new Promise<void>((res, rej) => {
        const check = () => {
          if (s.stdout.includes('Demo logins')) {
            clearTimeout(timer);
            res();
          }
        };
        const timer = setTimeout(
          () => rej(new Error(`no banner in ${ms} ms:\n${s.stdout}\n${s.stderr}`)),
          ms,
        );
        child.stdout!.on('data', check);
        check();
        void exited.then((code) => {
          clearTimeout(timer);
          rej(new Error(`exited ${code} before the banner:\n${s.stdout}\n${s.stderr}`));
        });
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
  child.stdout!.on('data', (d: Buffer) => (s.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (s.stderr += d.toString()));
  return s;
}

/** The exit code, or a rejection after `ms` (a process that hangs fails the test, and is killed). */
export async function exitWithin(s: CliServer, ms: number): Promise<number | string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, rej) => {
    timer = setTimeout(() => {
      s.child.kill('SIGKILL');
      rej(new Error(`still running after ${ms} ms:\n${s.stdout}\n${s.stderr}`));
    }, ms);
  });
  try {
    return await Promise.race([s.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}
