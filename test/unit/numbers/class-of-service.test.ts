import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CLASSES_OF_SERVICE,
  destinationOf,
  isClassOfService,
  isEmergency,
  permits,
} from '../../../src/numbers/class-of-service.js';
import { planOutbound } from '../../../src/numbers/outbound.js';
import type { TrunksTable } from '../../../src/storage/schema.js';

const trunk = (country: string): TrunksTable => ({
  id: 'trk',
  tenant_id: 'A',
  name: 'trk',
  direction: 'both',
  host: '198.51.100.7',
  port: 5060,
  transport: 'udp',
  inbound_auth: 'ip',
  allowed_sources: '[]',
  inbound_username: null,
  inbound_ha1_md5: null,
  inbound_ha1_sha256: null,
  register: 0,
  register_expires: 3600,
  outbound_username: null,
  outbound_password: null,
  from_domain: null,
  caller_id: '+861055500100',
  caller_id_presentation: 'allowed',
  max_concurrent: null,
  country_code: country,
  enabled: 1,
  created_at: 0,
  updated_at: 0,
});

/** What each class may dial, from the number as the phone dialled it over a trunk of `country`. */
const may = (
  cls: (typeof CLASSES_OF_SERVICE)[number],
  dialled: string,
  country = '86',
): boolean | 'no-number' => {
  const plan = planOutbound(trunk(country), dialled);
  return plan ? permits(cls, plan.destination) : 'no-number';
};

describe('class of service', () => {
  it('destination by the E.164 country of the trunk', () => {
    assert.equal(destinationOf('+8613800138000', '86'), 'national');
    assert.equal(destinationOf('+447700900123', '86'), 'international');
    assert.equal(destinationOf('+447700900123', '44'), 'national');
    // country codes are prefix-free: +1 is not +12…'s country, +12 is no code at all
    assert.equal(destinationOf('+12025550123', '1'), 'national');
    assert.equal(destinationOf('+33123456789', '1'), 'international');
  });

  it('internal: nothing over the trunk but emergency', () => {
    assert.equal(may('internal', '13800138000'), false);
    assert.equal(may('internal', '010 12345678'), false);
    assert.equal(may('internal', '4001234567'), false);
    assert.equal(may('internal', '00447700900123'), false);
    assert.equal(may('internal', '110'), true);
    assert.equal(may('internal', '112'), true);
  });

  it('national: the trunk country (mobiles, fixed lines, 400) but not abroad', () => {
    assert.equal(may('national', '13800138000'), true);
    assert.equal(may('national', '+86 138 0013 8000'), true);
    assert.equal(may('national', '0086 10 12345678'), true);
    assert.equal(may('national', '4001234567'), true);
    assert.equal(may('national', '00447700900123'), false);
    assert.equal(may('national', '+447700900123'), false);
    assert.equal(may('national', '+8613800138000', '44'), false);
  });

  it('international: everything', () => {
    assert.equal(may('international', '00447700900123'), true);
    assert.equal(may('international', '13800138000'), true);
  });

  it('emergency codes per trunk country, 112 everywhere; for every class', () => {
    for (const code of ['110', '119', '120', '122', '112']) {
      assert.equal(isEmergency(code, '86'), true, code);
      for (const cls of CLASSES_OF_SERVICE) assert.equal(may(cls, code), true, `${cls} ${code}`);
    }
    assert.equal(isEmergency('911', '1'), true);
    assert.equal(isEmergency('999', '44'), true);
    assert.equal(isEmergency('911', '86'), false);
    assert.equal(isEmergency('1100', '86'), false);
    assert.equal(isEmergency('110', '33'), false);
  });

  it('short extensions are not outside numbers (never reach the class check)', () => {
    assert.equal(may('international', '1003'), 'no-number');
    assert.equal(may('international', '8001'), 'no-number');
    assert.equal(may('international', '1003', '44'), 'no-number');
  });

  it('isClassOfService', () => {
    assert.equal(isClassOfService('national'), true);
    assert.equal(isClassOfService('premium'), false);
    assert.equal(isClassOfService(undefined), false);
  });
});
