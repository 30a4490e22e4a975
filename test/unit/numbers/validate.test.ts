import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertTimeZone } from '../../../src/numbers/local-time.js';
import {
  parseEntryPoint,
  type RuleInput,
  validateNumber,
  validateRules,
} from '../../../src/numbers/validate.js';

let n = 0;
const ids = () => `rul_${++n}`;
const code = (c: string) => (e: { code?: string }) => e.code === c;

describe('validateNumber()', () => {
  it('normalizes and checks the kind', () => {
    assert.equal(validateNumber('400-123-4567', '400'), '+864001234567');
    assert.equal(validateNumber('800 810 1234', '800'), '+868008101234');
    assert.equal(validateNumber('010-88880000', 'access'), '+861088880000');
    assert.equal(validateNumber('+33 1 23 45 67 89', 'did'), '+33123456789');
  });
  it('rejects a DID given as kind 400 and a 400 number given as a DID', () => {
    assert.throws(() => validateNumber('010-12345678', '400'), code('SWB_NUMBER_KIND'));
    assert.throws(() => validateNumber('4001234567', '800'), code('SWB_NUMBER_KIND'));
    assert.throws(() => validateNumber('4001234567', 'did'), code('SWB_NUMBER_KIND'));
    assert.throws(() => validateNumber('8001234567', 'access'), code('SWB_NUMBER_KIND'));
  });
  it('rejects invalid numbers', () => {
    assert.throws(() => validateNumber('12345', 'did'), code('SWB_NUMBER_INVALID'));
  });
});

describe('parseEntryPoint()', () => {
  it('accepts the four kinds', () => {
    assert.deepEqual(parseEntryPoint('ivr:main-menu'), { type: 'ivr', target: 'main-menu' });
    assert.deepEqual(parseEntryPoint('queue:que_abc123'), { type: 'queue', target: 'que_abc123' });
    assert.deepEqual(parseEntryPoint('user:1001'), { type: 'user', target: '1001' });
    assert.deepEqual(parseEntryPoint('sip:+861012345678@10.0.0.1:5060;transport=udp'), {
      type: 'sip',
      target: 'sip:+861012345678@10.0.0.1:5060;transport=udp',
    });
  });
  for (const bad of [
    '',
    'ivr:',
    'queue:a b',
    'user:',
    'sip:nohost',
    'sip:a@b c',
    'http://x',
    'voicemail:1',
    'user:<x>',
  ]) {
    it(`rejects ${JSON.stringify(bad)}`, () =>
      assert.throws(() => parseEntryPoint(bad), code('SWB_NUMBER_ENTRY_POINT')));
  }
});

describe('validateRules()', () => {
  it('normalizes prefixes, VIP numbers, weekdays and dates; keeps given ids', () => {
    const [r] = validateRules(
      [
        {
          id: 'rul_keep',
          entryPoint: 'queue:vip',
          match: {
            callerPrefixes: ['010', '+8610', '138'],
            vipCallers: ['139 0000 0001'],
            timeWindows: [{ weekdays: [5, 1, 3], from: '09:00', to: '12:00' }],
            dates: ['2026-10-02', '2026-10-01', '2026-10-01'],
          },
        },
      ],
      ids,
    );
    assert.equal(r!.id, 'rul_keep');
    assert.equal(r!.name, 'rule 1');
    assert.equal(r!.enabled, true);
    assert.deepEqual(r!.match.callerPrefixes, ['+8610', '+86138']);
    assert.deepEqual(r!.match.vipCallers, ['+8613900000001']);
    assert.deepEqual(r!.match.timeWindows, [{ weekdays: [1, 3, 5], from: '09:00', to: '12:00' }]);
    assert.deepEqual(r!.match.dates, ['2026-10-01', '2026-10-02']);
  });

  it('gives new rules an id', () => {
    const out = validateRules([{ entryPoint: 'user:1' }], () => 'rul_new');
    assert.equal(out[0]!.id, 'rul_new');
  });

  const invalid: [string, RuleInput[]][] = [
    ['from equals to', [{ entryPoint: 'user:1', match: { timeWindows: [{ from: '09:00', to: '09:00' }] } }]],
    [
      '00:00 to 24:00 is all day; 24:00 to 24:00 is empty',
      [{ entryPoint: 'user:1', match: { timeWindows: [{ from: '24:00', to: '24:00' }] } }],
    ],
    ['bad HH:MM', [{ entryPoint: 'user:1', match: { timeWindows: [{ from: '9:00', to: '18:00' }] } }]],
    ['25:00', [{ entryPoint: 'user:1', match: { timeWindows: [{ from: '09:00', to: '25:00' }] } }]],
    [
      'weekday 0',
      [{ entryPoint: 'user:1', match: { timeWindows: [{ weekdays: [0], from: '09:00', to: '18:00' }] } }],
    ],
    [
      'weekday 8',
      [{ entryPoint: 'user:1', match: { timeWindows: [{ weekdays: [8], from: '09:00', to: '18:00' }] } }],
    ],
    [
      'duplicate weekday',
      [{ entryPoint: 'user:1', match: { timeWindows: [{ weekdays: [1, 1], from: '09:00', to: '18:00' }] } }],
    ],
    [
      'empty weekdays',
      [{ entryPoint: 'user:1', match: { timeWindows: [{ weekdays: [], from: '09:00', to: '18:00' }] } }],
    ],
    [
      'overlapping windows on the same day',
      [
        {
          entryPoint: 'user:1',
          match: {
            timeWindows: [
              { weekdays: [1], from: '09:00', to: '12:00' },
              { weekdays: [1, 2], from: '11:00', to: '14:00' },
            ],
          },
        },
      ],
    ],
    [
      'a midnight-spanning window overlapping the next morning',
      [
        {
          entryPoint: 'user:1',
          match: {
            timeWindows: [
              { weekdays: [5], from: '22:00', to: '06:00' },
              { weekdays: [6], from: '05:00', to: '08:00' },
            ],
          },
        },
      ],
    ],
    [
      'Sunday night spanning into Monday morning',
      [
        {
          entryPoint: 'user:1',
          match: {
            timeWindows: [
              { weekdays: [7], from: '23:00', to: '02:00' },
              { weekdays: [1], from: '01:00', to: '03:00' },
            ],
          },
        },
      ],
    ],
    ['bad date', [{ entryPoint: 'user:1', match: { dates: ['2026-02-30'] } }]],
    [
      'date in dates and exceptDates',
      [{ entryPoint: 'user:1', match: { dates: ['2026-10-01'], exceptDates: ['2026-10-01'] } }],
    ],
    [
      'catch-all before another rule',
      [{ entryPoint: 'user:1' }, { entryPoint: 'user:2', match: { callerPrefixes: ['010'] } }],
    ],
    [
      'duplicate ids',
      [
        { id: 'rul_x', entryPoint: 'user:1', match: { callerPrefixes: ['010'] } },
        { id: 'rul_x', entryPoint: 'user:2' },
      ],
    ],
    ['empty name', [{ name: '', entryPoint: 'user:1' }]],
  ];
  for (const [title, rules] of invalid) {
    it(`rejects ${title} with SWB_NUMBER_RULE_INVALID`, () =>
      assert.throws(() => validateRules(rules, ids), code('SWB_NUMBER_RULE_INVALID')));
  }

  it('adjacent windows do not overlap (end is exclusive)', () => {
    const out = validateRules(
      [
        {
          entryPoint: 'user:1',
          match: {
            timeWindows: [
              { weekdays: [1], from: '09:00', to: '12:00' },
              { weekdays: [1], from: '12:00', to: '18:00' },
              { weekdays: [5], from: '22:00', to: '06:00' },
              { weekdays: [6], from: '06:00', to: '08:00' },
            ],
          },
        },
      ],
      ids,
    );
    assert.equal(out[0]!.match.timeWindows!.length, 4);
  });

  it('a disabled catch-all before other rules is allowed', () => {
    const out = validateRules(
      [
        { entryPoint: 'user:1', enabled: false },
        { entryPoint: 'user:2', match: { callerPrefixes: ['010'] } },
      ],
      ids,
    );
    assert.equal(out.length, 2);
  });

  it('rejects bad prefixes, VIP numbers and entry points with their own codes', () => {
    assert.throws(
      () => validateRules([{ entryPoint: 'user:1', match: { callerPrefixes: ['abc'] } }], ids),
      code('SWB_NUMBER_INVALID'),
    );
    assert.throws(
      () => validateRules([{ entryPoint: 'user:1', match: { vipCallers: ['123'] } }], ids),
      code('SWB_NUMBER_INVALID'),
    );
    assert.throws(() => validateRules([{ entryPoint: 'nowhere' }], ids), code('SWB_NUMBER_ENTRY_POINT'));
  });

  it('rejects more than 100 rules', () => {
    const many = Array.from({ length: 101 }, (_, i) => ({
      entryPoint: 'user:1',
      match: { callerPrefixes: [`+86${100 + i}`] },
    }));
    assert.throws(() => validateRules(many, ids), code('SWB_NUMBER_RULE_INVALID'));
  });
});

describe('assertTimeZone()', () => {
  it('accepts IANA zones and rejects unknown ones', () => {
    assertTimeZone('Asia/Shanghai');
    assertTimeZone('Europe/Paris');
    for (const bad of ['Mars/Olympus', '', 'Asia/Shanghai; drop table']) {
      assert.throws(() => assertTimeZone(bad), code('SWB_NUMBER_TIMEZONE'));
    }
  });
});
