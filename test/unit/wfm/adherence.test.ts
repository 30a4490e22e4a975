import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwbError } from '../../../src/kernel/errors.js';
import type { AgentStatusInterval, PlannedActivity } from '../../../src/reports/types.js';
import { adherence, plannedFromShifts, rollupAdherence } from '../../../src/wfm/adherence/adherence.js';

const T = 't1';
const H0 = Date.UTC(2026, 2, 2, 0); // horizon start
const m = (min: number) => H0 + min * 60_000;

const shift = {
  agentId: 'ann',
  day: 0,
  templateId: 'ft8',
  start: 9 * 60,
  end: 13 * 60,
  paidMinutes: 240,
  breaks: [{ kind: 'break' as const, start: 11 * 60, end: 11 * 60 + 15, paid: true }],
};

const st = (activity: AgentStatusInterval['activity'], from: number, to: number): AgentStatusInterval => ({
  tenantId: T,
  agentId: 'ann',
  activity,
  start: m(from),
  end: m(to),
});

describe('adherence', () => {
  it('plannedFromShifts() splits a shift into work and break activities', () => {
    const p = plannedFromShifts(T, [shift], H0);
    assert.deepEqual(
      p.map((x) => [x.kind, (x.start - H0) / 60_000, (x.end - H0) / 60_000]),
      [
        ['work', 540, 660],
        ['break', 660, 675],
        ['work', 675, 780],
      ],
    );
  });

  it('plannedFromShifts() with a time zone keeps local wall-clock times across DST', () => {
    // Europe/Berlin switches to summer time on Sunday 2026-03-29; horizon starts Monday 2026-03-23
    const sunday = { ...shift, day: 6, start: 6 * 1440 + 9 * 60, end: 6 * 1440 + 13 * 60, breaks: [] };
    const [p] = plannedFromShifts(T, [sunday], {
      timeZone: 'Europe/Berlin',
      startDate: { year: 2026, month: 3, day: 23 },
    });
    assert.equal(p!.start, Date.UTC(2026, 2, 29, 7)); // 09:00 CEST = 07:00Z (a fixed offset would say 08:00Z)
    assert.equal(p!.end - p!.start, 4 * 3_600_000);
  });

  it('measures late login, a long break and early logout; conformance counts on-phone time', () => {
    const planned = plannedFromShifts(T, [shift], H0);
    const actual = [
      st('logged_out', 0, 545), // 5 minutes late
      st('available', 545, 600),
      st('talking', 600, 660),
      st('break', 660, 685), // break 10 minutes too long
      st('acw', 685, 770), // left 10 minutes early
    ];
    const [r] = adherence(planned, actual, { tenantId: T, from: m(0), to: m(1440) });
    assert.equal(r!.scheduledSeconds, 240 * 60);
    assert.equal(r!.inAdherenceSeconds, (240 - 5 - 10 - 10) * 60);
    assert.equal(r!.adherence, 215 / 240);
    assert.equal(r!.plannedWorkSeconds, 225 * 60);
    assert.equal(r!.actualWorkSeconds, (770 - 545 - 25) * 60);
    assert.deepEqual(
      r!.exceptions.map((e) => [e.planned, e.actual, (e.end - e.start) / 60_000]),
      [
        ['work', 'logged_out', 5],
        ['work', 'break', 10],
        ['work', 'logged_out', 10],
      ],
    );
  });

  it('forgives exceptions shorter than the grace period', () => {
    const planned = plannedFromShifts(T, [shift], H0);
    const actual = [st('available', 540.5, 780)];
    const [strict] = adherence(planned, actual, { tenantId: T, from: m(0), to: m(1440) });
    const [lenient] = adherence(planned, actual, { tenantId: T, from: m(0), to: m(1440), graceSeconds: 60 });
    assert.ok(strict!.adherence! < 1);
    assert.equal(
      lenient!.exceptions.filter((e) => e.planned === 'work' && e.actual === 'logged_out').length,
      0,
    );
    assert.ok(lenient!.adherence! > strict!.adherence!);
  });

  it('rollupAdherence() weights by scheduled time per team', () => {
    const rows = [
      {
        agentId: 'a',
        scheduledSeconds: 3600,
        inAdherenceSeconds: 3600,
        plannedWorkSeconds: 3600,
        actualWorkSeconds: 3600,
      },
      {
        agentId: 'b',
        scheduledSeconds: 7200,
        inAdherenceSeconds: 3600,
        plannedWorkSeconds: 7200,
        actualWorkSeconds: 7200,
      },
      {
        agentId: 'c',
        scheduledSeconds: 0,
        inAdherenceSeconds: 0,
        plannedWorkSeconds: 0,
        actualWorkSeconds: 60,
      },
    ].map((r) => ({ ...r, adherence: null, conformance: null, exceptions: [] }));
    const teams: Record<string, string> = { a: 'red', b: 'red' };
    const out = rollupAdherence(rows, (id) => teams[id]);
    assert.deepEqual(
      out.map((r) => [r.key, r.agents, r.adherence, r.conformance]),
      [
        ['(none)', 1, null, null],
        ['red', 2, 7200 / 10800, 1],
      ],
    );
  });

  it('an agent with nothing scheduled has null adherence, never NaN', () => {
    const [r] = adherence([], [st('available', 0, 60)], { tenantId: T, from: m(0), to: m(1440) });
    assert.equal(r!.adherence, null);
    assert.equal(r!.conformance, null);
    assert.equal(r!.actualWorkSeconds, 3600);
  });

  it('rejects other tenants and reversed intervals with SWB_WFM_INPUT', () => {
    const p: PlannedActivity = { tenantId: 'x', agentId: 'ann', kind: 'work', start: m(0), end: m(1) };
    const isInput = (e: unknown) => isSwbError(e, 'SWB_WFM_INPUT');
    assert.throws(() => adherence([p], [], { tenantId: T, from: m(0), to: m(10) }), isInput);
    assert.throws(
      () => adherence([], [st('available', 10, 5)], { tenantId: T, from: m(0), to: m(10) }),
      isInput,
    );
    assert.throws(() => adherence([], [], { tenantId: T, from: m(10), to: m(0) }), isInput);
  });
});
