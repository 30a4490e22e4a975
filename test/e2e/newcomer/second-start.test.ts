import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type CliServer, cliEnv, exitWithin, freeCliPorts, startCli } from './cli-server.js';

/**
 * Issue 12 finding 4: with one server running, a second `npm start` printed
 * `fatal: Error: bind EADDRINUSE 0.0.0.0:5060` and stayed alive, listening on nothing (media
 * workers and the database kept the process up). It must exit non-zero at once, naming the port
 * and the setting that changes it. The exit itself proves the teardown: bin/switchboard.mjs never
 * calls process.exit(), so anything left open would keep the process alive past the deadline.
 */
describe('a second `switchboard start` on the same ports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swb-newcomer-twice-'));
  const running: CliServer[] = [];
  after(async () => {
    for (const s of running) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 69 within 20 s naming the SIP port and SWB_SIP_UDP_PORT; the first keeps serving', async () => {
    const ports = await freeCliPorts();
    const first = startCli(cliEnv(ports, dir));
    running.push(first);
    await first.ready();

    const second = startCli(cliEnv(ports, dir));
    running.push(second);
    const code = await exitWithin(second, 20_000);
    assert.equal(code, 69, second.stderr);
    assert.match(
      second.stderr,
      new RegExp(
        `switchboard: cannot start: udp 0\\.0\\.0\\.0:${ports.sip} is already in use .*sip\\.udpPort \\(SWB_SIP_UDP_PORT\\)`,
      ),
    );
    assert.ok(
      !second.stdout.includes('Switchboard is running'),
      'no banner for a server that is not running',
    );

    // the first server was not disturbed
    const r = await fetch(`http://127.0.0.1:${ports.http}/readyz`);
    assert.equal(r.status, 200);
  });

  it('a taken HTTP port (SIP and media already up) exits the same way, naming SWB_HTTP_PORT', async () => {
    const ports = await freeCliPorts();
    const first = startCli(cliEnv(ports, dir));
    running.push(first);
    await first.ready();
    const others = await freeCliPorts();
    const second = startCli(cliEnv({ ...others, http: ports.http }, dir));
    running.push(second);
    const code = await exitWithin(second, 20_000);
    assert.equal(code, 69, second.stderr);
    assert.match(
      second.stderr,
      new RegExp(
        `cannot start: tcp 0\\.0\\.0\\.0:${ports.http} is already in use .*http\\.port \\(SWB_HTTP_PORT\\)`,
      ),
    );
    // SIP had been listening in the second process and was closed again: its port is free
    const again = startCli(cliEnv({ ...others, http: (await freeCliPorts()).http }, dir));
    running.push(again);
    await again.ready();
  });
});
