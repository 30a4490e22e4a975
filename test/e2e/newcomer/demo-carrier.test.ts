import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { carrierScenario } from './carrier-scenario.js';
import { DEMO_CARRIER_STEPS } from './demo-carrier.js';

describe("the README's SIPp carrier scenario", () => {
  it('test/fixtures/sipp/demo-carrier.xml is what carrierScenario() builds (the scenario the e2e test runs)', () => {
    const fixture = readFileSync(new URL('../../fixtures/sipp/demo-carrier.xml', import.meta.url), 'utf8');
    assert.equal(fixture, carrierScenario(DEMO_CARRIER_STEPS, 'PCMA'));
  });

  it('plays pcaps that Debian ships with sip-tester', () => {
    for (const s of DEMO_CARRIER_STEPS) assert.ok(existsSync(s.pcap), s.pcap);
  });
});
