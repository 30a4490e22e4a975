/** Runs SIPp as a UAC for one call (bounded: killed after 40 s); resolves with its exit code and output tail. */
import { spawn } from 'node:child_process';

export interface SippRun {
  scenario: string;
  sipPort: number;
  mediaPort: number;
  targetPort: number;
  extra?: string[];
}

export function runSipp(o: SippRun): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const args = [
      ...['-sf', o.scenario, '-m', '1', '-l', '1'],
      ...['-i', '127.0.0.1', '-p', String(o.sipPort)],
      ...['-mi', '127.0.0.1', '-mp', String(o.mediaPort)],
      ...['-timeout', '30s', '-timeout_error', '-nostdin'],
      ...(o.extra ?? []),
      `127.0.0.1:${o.targetPort}`,
    ];
    const child = spawn('sipp', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d.toString()));
    child.stderr.on('data', (d) => (out += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, out: out.slice(-2000) });
    });
  });
}
