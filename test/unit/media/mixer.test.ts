import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyGain, dbToLinear, levelDbfs, rms } from '../../../src/media/dsp/gain.js';
import { Mixer, type MixRole } from '../../../src/media/dsp/mixer.js';
import { dbfsToAmplitude, ToneGenerator } from '../../../src/media/dsp/tone.js';
import { ToneDetector } from '../../../src/media/dtmf/goertzel.js';

const TONE: Record<string, number> = { caller: 500, agent: 900, sup: 1300, third: 1700 };

/**
 * Runs `ticks` of mixing; each participant sends its own tone; returns, for each listener,
 * the set of tone names it hears (a tone counts as heard if detected ≥ 90 % of the time,
 * and must be completely absent otherwise).
 */
function whoHearsWhat(setup: Array<[string, MixRole, string?]>, ticks = 50): Record<string, string[]> {
  const m = new Mixer();
  const gens = new Map<string, ToneGenerator>();
  const dets = new Map<string, Map<string, ToneDetector>>();
  for (const [id, role, target] of setup) {
    m.add(id, role, target);
    gens.set(id, new ToneGenerator().sine(TONE[id]!, dbfsToAmplitude(-12)));
  }
  for (const [id] of setup) {
    dets.set(id, new Map(Object.keys(TONE).map((t) => [t, new ToneDetector(TONE[t]!, { minRatio: 0.15 })])));
  }
  for (let k = 0; k < ticks; k++) {
    for (const [id] of setup) gens.get(id)!.generate(m.input(id));
    m.mix();
    for (const [id] of setup) for (const d of dets.get(id)!.values()) d.process(m.output(id));
  }
  const result: Record<string, string[]> = {};
  for (const [id] of setup) {
    result[id] = [];
    for (const [t, d] of dets.get(id)!) {
      d.finish();
      if (d.detectedMs >= 0.9 * ticks * 20) result[id]!.push(t);
      else assert.equal(d.detectedMs, 0, `${id} hears a partial ${t}: ${d.detectedMs} ms`);
    }
  }
  return result;
}

describe('Mixer', () => {
  it('2-party bridge: each side hears only the other', () => {
    assert.deepEqual(
      whoHearsWhat([
        ['caller', 'party'],
        ['agent', 'party'],
      ]),
      { caller: ['agent'], agent: ['caller'] },
    );
  });

  it('3-party conference: mix-minus, everyone hears the two others', () => {
    assert.deepEqual(
      whoHearsWhat([
        ['caller', 'party'],
        ['agent', 'party'],
        ['third', 'party'],
      ]),
      { caller: ['agent', 'third'], agent: ['caller', 'third'], third: ['caller', 'agent'] },
    );
  });

  it('listen: the supervisor hears both, nobody hears the supervisor', () => {
    assert.deepEqual(
      whoHearsWhat([
        ['caller', 'party'],
        ['agent', 'party'],
        ['sup', 'listen'],
      ]),
      { caller: ['agent'], agent: ['caller'], sup: ['caller', 'agent'] },
    );
  });

  it('whisper: only the agent hears the supervisor', () => {
    assert.deepEqual(
      whoHearsWhat([
        ['caller', 'party'],
        ['agent', 'party'],
        ['sup', 'whisper', 'agent'],
      ]),
      { caller: ['agent'], agent: ['caller', 'sup'], sup: ['caller', 'agent'] },
    );
  });

  it('barge: both hear the supervisor, who hears both', () => {
    assert.deepEqual(
      whoHearsWhat([
        ['caller', 'party'],
        ['agent', 'party'],
        ['sup', 'barge'],
      ]),
      { caller: ['agent', 'sup'], agent: ['caller', 'sup'], sup: ['caller', 'agent'] },
    );
  });

  it('switches listen → whisper → barge on the fly and removes a leg', () => {
    const m = new Mixer();
    m.add('caller');
    m.add('agent');
    m.add('sup', 'listen');
    const heard = () => {
      m.input('caller').fill(0);
      m.input('agent').fill(0);
      m.input('sup').fill(1000);
      m.mix();
      return [m.output('caller')[0], m.output('agent')[0], m.output('sup')[0]];
    };
    assert.deepEqual(heard(), [0, 0, 0]);
    m.setRole('sup', 'whisper', 'agent');
    assert.deepEqual(heard(), [0, 1000, 0]);
    m.setRole('sup', 'barge');
    assert.deepEqual(heard(), [1000, 1000, 0]);
    assert.equal(m.roleOf('sup'), 'barge');
    m.remove('caller');
    assert.equal(m.size, 2);
    assert.equal(m.has('caller'), false);
    // a removed leg's frames go to a scratch buffer (counted), never into the mix, never a throw
    m.input('caller').fill(5000);
    assert.ok(m.output('caller').every((v) => v === 0));
    assert.equal(m.unknownIds, 2);
    m.input('agent').fill(0);
    m.input('sup').fill(0);
    m.mix();
    assert.ok(m.output('agent').every((v) => v === 0));
  });

  it('saturates instead of wrapping (limiter off), and treats absent inputs as silence', () => {
    const m = new Mixer();
    m.limiter = false;
    for (const id of ['a', 'b', 'c']) m.add(id);
    m.input('a').fill(30000);
    m.input('b').fill(30000);
    m.input('c').fill(-30000);
    m.mix();
    assert.equal(m.output('c')[0], 32767);
    assert.equal(m.output('a')[0], 0);
    m.input('a').fill(-30000);
    m.input('b').fill(-30000);
    m.input('c').fill(0);
    m.mix();
    assert.equal(m.output('c')[0], -32768);
    m.input('a').fill(1234);
    m.setPresent('a', false);
    m.input('b').fill(7);
    m.mix();
    assert.equal(m.output('c')[0], 7);
    assert.equal(m.output('a')[0], 7);
  });

  it('soft-limits a loud 3-party sum instead of clipping it, then releases', () => {
    const run = (limiter: boolean) => {
      const m = new Mixer();
      m.limiter = limiter;
      m.add('a');
      m.add('b');
      m.add('c');
      const ga = new ToneGenerator().sine(500, dbfsToAmplitude(-1));
      const gb = new ToneGenerator().sine(700, dbfsToAmplitude(-1));
      const det = new ToneDetector(300, { minRatio: 0.01, minAmplitude: 1 }); // 2·500 − 700 Hz intermodulation
      let peak = 0;
      for (let k = 0; k < 50; k++) {
        ga.generate(m.input('a'));
        gb.generate(m.input('b'));
        m.input('c').fill(0);
        m.mix();
        const out = m.output('c');
        for (const v of out) peak = Math.max(peak, Math.abs(v));
        if (k >= 2) det.process(out);
      }
      // quiet again: the gain recovers
      for (let k = 0; k < 30; k++) {
        m.input('a').fill(1000);
        m.input('b').fill(0);
        m.mix();
      }
      return { distortion: det.powerRatio, peak, quietOut: m.output('c')[0], limited: m.limited };
    };
    const hard = run(false);
    const soft = run(true);
    assert.ok(hard.distortion > 0.005, `clipping makes intermodulation: ${hard.distortion}`);
    assert.ok(soft.distortion < 1e-6, `limited output stays clean: ${soft.distortion}`);
    assert.ok(soft.peak <= 32767);
    assert.ok(soft.limited > 0);
    assert.equal(soft.quietOut, 1000); // fully released after the loud part
  });

  it('two supervisors whispering to the same agent are both heard by the agent only', () => {
    const m = new Mixer();
    m.add('caller');
    m.add('agent');
    m.add('s1', 'whisper', 'agent');
    m.add('s2', 'whisper', 'agent');
    m.input('caller').fill(10);
    m.input('agent').fill(20);
    m.input('s1').fill(300);
    m.input('s2').fill(4000);
    m.mix();
    assert.equal(m.output('agent')[0], 10 + 300 + 4000);
    assert.equal(m.output('caller')[0], 20);
    assert.equal(m.output('s1')[0], 30);
    assert.equal(m.output('s2')[0], 30);
  });

  it('applies per-participant gain', () => {
    const m = new Mixer();
    m.add('a');
    m.add('b');
    m.setGain('a', 0.5);
    m.input('a').fill(1000);
    m.input('b').fill(0);
    m.mix();
    assert.equal(m.output('b')[0], 500);
  });
});

describe('gain helpers', () => {
  it('applyGain saturates; rms and levelDbfs measure a sine', () => {
    const f = new Int16Array([1000, -1000, 20000, -20000]);
    applyGain(f, 2);
    assert.deepEqual([...f], [2000, -2000, 32767, -32768]);
    assert.ok(Math.abs(dbToLinear(-6) - 0.501) < 0.001);
    const s = new Int16Array(160);
    new ToneGenerator().sine(1000, dbfsToAmplitude(-10)).generate(s);
    assert.ok(Math.abs(levelDbfs(s) - -10) < 0.05);
    assert.equal(rms(new Int16Array(10)), 0);
    assert.equal(levelDbfs(new Int16Array(10)), Number.NEGATIVE_INFINITY);
  });
});
