import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from '../../support/engines.js';
import {
  type HttpAnswer,
  http,
  type LiveApi,
  liveApi,
  loginCall,
  sessionCookie,
} from '../../support/live-api.js';

/**
 * Issue 11 finding 3 (the oracle): every failed login answers the same way in status, body and
 * time, so nobody learns which accounts exist. Timed from outside over real TCP.
 *
 * Robust on a loaded, shared machine: the kinds are interleaved (round-robin, rotating order),
 * so load hits all of them alike; medians, not means, so a stall does not count; a tolerance
 * relative to the hashing time. And the test proves it can see a difference: the same
 * statistic must separate a hashed answer from an unhashed one (else it would pass vacuously).
 */
const N = 21;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

describe('failed logins are indistinguishable (status, body, timing)', () => {
  let api: LiveApi;
  before(async () => {
    // a realistic hash cost, so the comparison is about hashing and not about a database query
    api = await liveApi(ENGINES[0]!, { auth: { scryptCost: 8192, accountMaxFailures: 1000 } });
    const admin = await sessionCookie(api.port, 'demo', 'admin');
    const roles = await http(api.port, { path: '/api/v1/roles?limit=100', headers: { cookie: admin } });
    const agent = roles
      .json<{ items: { id: string; name: string }[] }>()
      .items.find((r) => r.name === 'agent')!;
    const created = await http(api.port, {
      method: 'POST',
      path: '/api/v1/users',
      headers: { cookie: admin },
      body: { username: 'gone', password: 'Gone#2026pw', roleId: agent.id },
    });
    assert.equal(created.status, 201, created.body);
    const off = await http(api.port, {
      method: 'PATCH',
      path: `/api/v1/users/${created.json().id}`,
      headers: { cookie: admin },
      body: { status: 'disabled' },
    });
    assert.equal(off.status, 200, off.body);
  });
  after(async () => api?.close());

  async function sample(kinds: Record<string, (from: string) => ReturnType<typeof loginCall>>, base: string) {
    const names = Object.keys(kinds);
    const got: Record<string, HttpAnswer[]> = Object.fromEntries(names.map((k) => [k, []]));
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < names.length; j++) {
        const k = names[(i + j) % names.length]!;
        got[k]!.push(await http(api.port, kinds[k]!(`${base}${i + 10}`)));
      }
    }
    return got;
  }

  const within = (a: number, b: number, ref: number) => Math.abs(a - b) <= Math.max(3, 0.25 * ref);

  it('wrong password, unknown user, unknown tenant, disabled user: same 401 body, same time', async () => {
    const got = await sample(
      {
        wrongPassword: (from) => loginCall('demo', '1001', 'not-it', from),
        unknownUser: (from) => loginCall('demo', 'nobody-here', 'not-it', from),
        unknownTenant: (from) => loginCall('no-such-tenant', '1001', 'not-it', from),
        disabledUser: (from) => loginCall('demo', 'gone', 'Gone#2026pw', from),
      },
      '127.0.2.',
    );
    const ref = got.wrongPassword!;
    if (process.env.SWB_TIMING_DEBUG)
      console.log(
        Object.entries(got)
          .map(([k, rs]) => `${k}=${median(rs.map((r) => r.ms)).toFixed(1)}`)
          .join(' '),
      );
    for (const [kind, rs] of Object.entries(got)) {
      for (const r of rs) {
        assert.equal(r.status, 401, `${kind}: ${r.body}`);
        assert.equal(r.body, ref[0]!.body, kind);
      }
    }
    const m = Object.fromEntries(Object.entries(got).map(([k, rs]) => [k, median(rs.map((r) => r.ms))]));
    for (const [kind, ms] of Object.entries(m)) {
      assert.ok(
        within(ms, m.wrongPassword!, m.wrongPassword!),
        `${kind} median ${ms} ms vs ${m.wrongPassword} ms`,
      );
    }
  });

  it('a throttled existing account and a throttled unknown one: same 429, same time, and the test sees hashing', async () => {
    const from = '127.0.3.1';
    const burn = async (username: string) => {
      for (let i = 0; i < 5; i++) await http(api.port, loginCall('demo', username, 'x', from));
    };
    await burn('1002');
    await burn('never-existed');
    const got = await sample(
      {
        existing: () => loginCall('demo', '1002', 'Demo@2026', from),
        unknown: () => loginCall('demo', 'never-existed', 'Demo@2026', from),
        hashed: (f) => loginCall('demo', '1003', 'not-it', f), // control: a checked password
      },
      '127.0.3.',
    );
    for (const r of [...got.existing!, ...got.unknown!]) {
      assert.equal(r.status, 429, r.body);
      assert.equal(r.body, got.existing![0]!.body);
    }
    const [e, u, h] = [got.existing!, got.unknown!, got.hashed!].map((rs) => median(rs.map((r) => r.ms)));
    if (process.env.SWB_TIMING_DEBUG) console.log({ e, u, h });
    assert.ok(within(e!, u!, h!), `throttled existing ${e} ms vs unknown ${u} ms`);
    // power: the same statistic tells a hashed answer from a throttled one
    assert.ok(!within(h!, e!, h!), `hashing (${h} ms) must be visible against ${e} ms`);
  });
});
