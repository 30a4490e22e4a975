import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AGENT_STATE_MACHINE, AGENT_STATES } from '../../../src/agents/agent-state.js';
import {
  AGENT_STATUS_MACHINE,
  AGENT_STATUSES,
  isReasonCode,
  isSignedIn,
} from '../../../src/agents/agent-status.js';
import { assertTransition, canTransition } from '../../../src/agents/machine.js';
import { isSwbError } from '../../../src/kernel/errors.js';

describe('agent status machine (what the agent chose)', () => {
  it('allows exactly the transitions of the table and throws SWB_ILLEGAL_TRANSITION otherwise', () => {
    const legal = new Set([
      'logged-out>logged-in',
      'logged-in>signed-in',
      'logged-in>logged-out',
      'signed-in>ready',
      'signed-in>not-ready',
      'signed-in>logged-in',
      'ready>not-ready',
      'ready>logged-in',
      'not-ready>ready',
      'not-ready>not-ready',
      'not-ready>logged-in',
    ]);
    for (const from of AGENT_STATUSES) {
      for (const to of AGENT_STATUSES) {
        const ok = legal.has(`${from}>${to}`);
        assert.equal(canTransition(AGENT_STATUS_MACHINE, from, to), ok, `${from} → ${to}`);
        if (!ok) {
          assert.throws(
            () => assertTransition(AGENT_STATUS_MACHINE, from, to),
            (e) =>
              isSwbError(e, 'SWB_ILLEGAL_TRANSITION') &&
              e.httpStatus === 409 &&
              e.details?.machine === 'agent.status',
          );
        }
      }
    }
  });

  it('never reaches ready without signing in (behaviour 2)', () => {
    assert.equal(canTransition(AGENT_STATUS_MACHINE, 'logged-out', 'ready'), false);
    assert.equal(canTransition(AGENT_STATUS_MACHINE, 'logged-in', 'ready'), false);
    assert.deepEqual(
      AGENT_STATUSES.filter((s) => isSignedIn(s)),
      ['signed-in', 'ready', 'not-ready'],
    );
  });

  it('accepts reason codes like break, meal, training, missed and refuses free text', () => {
    for (const c of ['break', 'meal', 'training', 'missed', 'coaching_1', 'x-ray'])
      assert.ok(isReasonCode(c), c);
    for (const c of ['', 'Break', 'coffee break', 'a'.repeat(33), '-x'])
      assert.equal(isReasonCode(c), false, c);
  });
});

describe('agent state machine (what the system does)', () => {
  it('allows exactly the transitions of the table', () => {
    const legal = new Set([
      'idle>offered',
      'offered>talking',
      'offered>idle',
      'talking>held',
      'talking>after-call-work',
      'held>talking',
      'held>after-call-work',
      'after-call-work>idle',
    ]);
    for (const from of AGENT_STATES) {
      for (const to of AGENT_STATES) {
        assert.equal(
          canTransition(AGENT_STATE_MACHINE, from, to),
          legal.has(`${from}>${to}`),
          `${from} → ${to}`,
        );
      }
    }
  });

  it('a call always ends in after-call work, never straight to idle (behaviour 1)', () => {
    assert.equal(canTransition(AGENT_STATE_MACHINE, 'talking', 'idle'), false);
    assert.equal(canTransition(AGENT_STATE_MACHINE, 'held', 'idle'), false);
  });
});
