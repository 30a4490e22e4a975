/**
 * The carrier call the README has a newcomer play (test/fixtures/sipp/demo-carrier.xml): SIPp's
 * own speech sample (PCMA, 7 s) and the digits 1, 9, # as RFC 4733 events. The fixture is
 * this scenario's output; demo-carrier.test.ts keeps them in step.
 */
import type { CarrierStep } from './carrier-scenario.js';

export const SIPP_PCAPS = '/usr/share/sip-tester';

export const DEMO_CARRIER_STEPS: CarrierStep[] = [
  { pcap: `${SIPP_PCAPS}/g711a.pcap`, pauseMs: 7500 },
  { pcap: `${SIPP_PCAPS}/dtmf_2833_1.pcap`, pauseMs: 700 },
  { pcap: `${SIPP_PCAPS}/dtmf_2833_9.pcap`, pauseMs: 700 },
  { pcap: `${SIPP_PCAPS}/dtmf_2833_pound.pcap`, pauseMs: 1000 },
];
