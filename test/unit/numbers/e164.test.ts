import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  classifyNumber,
  formatNational,
  normalizeNumber,
  normalizePrefix,
  tryNormalizeNumber,
} from '../../../src/numbers/e164.js';

const throwsInvalid = (fn: () => unknown) =>
  assert.throws(fn, (e: { code?: string }) => e.code === 'SWB_NUMBER_INVALID');

describe('normalizeNumber() for China (default country 86)', () => {
  const cases: [string, string][] = [
    ['4001234567', '+864001234567'],
    ['400-123-4567', '+864001234567'],
    ['400 1100 266', '+864001100266'],
    ['8008101234', '+868008101234'],
    ['13800138000', '+8613800138000'],
    ['138 0013 8000', '+8613800138000'],
    ['19912345678', '+8619912345678'],
    ['010-12345678', '+861012345678'],
    ['(010) 1234 5678', '+861012345678'],
    ['021 6288 0000', '+862162880000'],
    ['0755-8888 6666', '+8675588886666'],
    ['0571-8765432', '+865718765432'],
    ['+86 10 1234 5678', '+861012345678'],
    ['+86 (0)10 1234 5678', '+861012345678'],
    ['0086 138 0013 8000', '+8613800138000'],
    ['008613800138000', '+8613800138000'],
    ['8613800138000', '+8613800138000'],
    ['864001234567', '+864001234567'],
    ['+33 1 23 45 67 89', '+33123456789'],
    ['0033123456789', '+33123456789'],
    ['+1 (415) 555-0100', '+14155550100'],
    ['sip:+861012345678@carrier.example;user=phone', '+861012345678'],
    ['tel:+86-10-1234-5678', '+861012345678'],
    ['sip:4001234567@10.0.0.1', '+864001234567'],
  ];
  for (const [input, want] of cases) {
    it(`${JSON.stringify(input)} → ${want}`, () => assert.equal(normalizeNumber(input), want));
  }

  const bad = [
    '',
    '12345678', // local number without an area code
    '1234', // too short
    '12800138000', // not a mobile prefix (12x)
    '+86 12800138000',
    '0123', // area code with no subscriber
    '010-123', // subscriber too short
    '+',
    '+0123456789', // country codes never start with 0
    '+1234567890123456', // 16 digits
    '400-123-456', // 9 digits
    '138001380001', // 12 digits
    'abc',
    '010-1234567x',
    '+86 10 1234 5678#',
  ];
  for (const input of bad) {
    it(`rejects ${JSON.stringify(input)} with SWB_NUMBER_INVALID`, () =>
      throwsInvalid(() => normalizeNumber(input)));
  }
});

describe('normalizeNumber() with another default country', () => {
  it('NANP: 10 digits or 11 starting with 1', () => {
    assert.equal(normalizeNumber('415 555 0100', { defaultCountry: '1' }), '+14155550100');
    assert.equal(normalizeNumber('1-415-555-0100', { defaultCountry: '1' }), '+14155550100');
    throwsInvalid(() => normalizeNumber('0415 555 0100', { defaultCountry: '1' }));
  });
  it('France: the trunk prefix 0 is dropped', () => {
    assert.equal(normalizeNumber('01 23 45 67 89', { defaultCountry: '33' }), '+33123456789');
    assert.equal(normalizeNumber('+86 400 123 4567', { defaultCountry: '33' }), '+864001234567');
  });
  it('rejects a malformed default country', () => {
    throwsInvalid(() => normalizeNumber('0123456789', { defaultCountry: '0' }));
    throwsInvalid(() => normalizeNumber('0123456789', { defaultCountry: '+33' }));
  });
  it('tryNormalizeNumber returns undefined instead of throwing', () => {
    assert.equal(tryNormalizeNumber('nope'), undefined);
    assert.equal(tryNormalizeNumber('4001234567'), '+864001234567');
  });
});

describe('normalizePrefix()', () => {
  const cases: [string, string][] = [
    ['010', '+8610'],
    ['0755', '+86755'],
    ['138', '+86138'],
    ['+8610', '+8610'],
    ['0086 21', '+8621'],
    ['+1', '+1'],
  ];
  for (const [input, want] of cases) {
    it(`${input} → ${want}`, () => assert.equal(normalizePrefix(input), want));
  }
  it('rejects non-numeric and empty prefixes', () => {
    throwsInvalid(() => normalizePrefix('abc'));
    throwsInvalid(() => normalizePrefix('+'));
    throwsInvalid(() => normalizePrefix('+0'));
  });
});

describe('classifyNumber() and formatNational()', () => {
  it('tells mobile, fixed, 400, 800 and foreign numbers apart', () => {
    assert.equal(classifyNumber('+8613800138000'), 'mobile');
    assert.equal(classifyNumber('+861012345678'), 'fixed');
    assert.equal(classifyNumber('+864001234567'), '400');
    assert.equal(classifyNumber('+868001234567'), '800');
    assert.equal(classifyNumber('+33123456789'), 'other');
  });
  it('formats the way Chinese callers write numbers', () => {
    assert.equal(formatNational('+864001100266'), '400-110-0266');
    assert.equal(formatNational('+8613800138000'), '138 0013 8000');
    assert.equal(formatNational('+861012345678'), '010-12345678');
    assert.equal(formatNational('+8675588886666'), '0755-88886666');
    assert.equal(formatNational('+33123456789'), '+33123456789');
  });
});
