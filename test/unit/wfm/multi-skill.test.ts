import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwbError } from '../../../src/kernel/errors.js';
import { demoProblem } from '../../../src/wfm/schedule/demo-problem.js';
import { auditLabourRules } from '../../../src/wfm/schedule/evaluate.js';
import {
  buildMultiSkillSchedule,
  groupProblem,
  type MultiSkillProblem,
} from '../../../src/wfm/schedule/multi-skill.js';

const dayOnly = (r: readonly number[]) =>
  r.map((v, t) => ((t % 96) * 15 >= 6 * 60 && (t % 96) * 15 < 22 * 60 + 30 ? v : 0));

function problem(
  agents: number,
  voiceVolume: number,
  chatVolume: number,
  skillsOf: (i: number) => string[],
): MultiSkillProblem {
  const voice = demoProblem({ agents, dailyVolume: voiceVolume, seed: 1 });
  const chat = demoProblem({ agents, dailyVolume: chatVolume, seed: 2 });
  const { required: _r, skill: _s, workload: _w, ...base } = voice;
  return {
    ...base,
    agents: voice.agents.map((a, i) => ({ ...a, skills: skillsOf(i) })),
    groups: [
      { skill: 'voice', required: dayOnly(voice.required), workload: voice.workload },
      { skill: 'chat', required: dayOnly(chat.required), workload: chat.workload },
    ],
  };
}

function audit(p: MultiSkillProblem, shifts: ReturnType<typeof buildMultiSkillSchedule>['shifts']): string[] {
  const v = auditLabourRules({ ...groupProblem(p, p.groups[0]!), skill: undefined }, shifts);
  for (const s of shifts) {
    const a = p.agents.find((x) => x.agentId === s.agentId)!;
    if (!a.skills.includes(s.skill!)) v.push(`${s.agentId} works ${s.skill} without the skill`);
  }
  return v;
}

describe('multi-skill scheduling', () => {
  it('covers two skill groups from a mixed roster; rules hold across groups', () => {
    const p = problem(90, 1500, 500, (i) =>
      i % 3 === 0 ? ['voice'] : i % 3 === 1 ? ['chat'] : ['voice', 'chat'],
    );
    const r = buildMultiSkillSchedule(p);
    assert.deepEqual(audit(p, r.shifts), []);
    for (const g of r.groups) {
      assert.equal(g.totalShortfallSlots, 0, `${g.skill}: ${r.warnings.join('; ')}`);
      assert.ok(g.predictedServiceLevel! >= 0.8);
    }
    // multi-skilled agents work for both groups over the week
    const both = r.shifts.filter((s) => Number(s.agentId.slice(1)) % 3 === 2);
    assert.ok(new Set(both.map((s) => s.skill)).size === 2);
  });

  it('sends multi-skilled agents to the group that needs them', () => {
    // nobody is voice-only: voice can only be staffed by the dual-skilled agents
    const p = problem(40, 1200, 200, (i) => (i % 2 === 0 ? ['chat'] : ['voice', 'chat']));
    const r = buildMultiSkillSchedule(p);
    assert.deepEqual(audit(p, r.shifts), []);
    const voiceShifts = r.shifts.filter((s) => s.skill === 'voice');
    assert.ok(voiceShifts.every((s) => Number(s.agentId.slice(1)) % 2 === 1));
    const dualOnVoice =
      voiceShifts.length / r.shifts.filter((s) => Number(s.agentId.slice(1)) % 2 === 1).length;
    assert.ok(dualOnVoice > 0.7, `dual-skilled shifts on voice: ${dualOnVoice}`);
  });

  it('reports shortfall per group and a missing skill explicitly', () => {
    const p = problem(10, 1500, 500, () => ['voice']);
    const r = buildMultiSkillSchedule(p);
    assert.deepEqual(audit(p, r.shifts), []);
    const chat = r.groups.find((g) => g.skill === 'chat')!;
    assert.equal(
      chat.totalShortfallSlots,
      p.groups[1]!.required.reduce((s, v) => s + v, 0),
    );
    assert.ok(r.warnings.includes('no agent has skill chat'));
    assert.ok(r.groups.find((g) => g.skill === 'voice')!.totalShortfallSlots > 0);
  });

  it('rejects a malformed group with SWB_WFM_INPUT', () => {
    const p = problem(5, 500, 200, () => ['voice']);
    assert.throws(
      () => buildMultiSkillSchedule({ ...p, groups: [{ skill: 'voice', required: [1, 2, 3] }] }),
      (e) => isSwbError(e, 'SWB_WFM_INPUT'),
    );
  });
});
