import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSipInfoDtmf } from '../../../src/media/dtmf/sip-info.js';

describe('parseSipInfoDtmf()', () => {
  it('reads application/dtmf-relay (Signal, Duration; CRLF or LF; any case)', () => {
    assert.deepEqual(parseSipInfoDtmf('application/dtmf-relay', 'Signal=5\r\nDuration=160\r\n'), {
      digit: '5',
      durationMs: 160,
      source: 'info',
    });
    assert.deepEqual(
      parseSipInfoDtmf('Application/DTMF-Relay; charset=utf-8', 'signal= #\nduration= 100\n'),
      {
        digit: '#',
        durationMs: 100,
        source: 'info',
      },
    );
    assert.equal(parseSipInfoDtmf('application/dtmf-relay', 'Signal=10\r\n')!.digit, '*');
    assert.equal(parseSipInfoDtmf('application/dtmf-relay', 'Signal=11\r\n')!.digit, '#');
    assert.equal(parseSipInfoDtmf('application/dtmf-relay', 'Signal=d\r\nDuration=abc')!.durationMs, 250);
    assert.equal(parseSipInfoDtmf('application/dtmf-relay', 'Signal=d')!.digit, 'D');
  });

  it('reads application/dtmf (the key or its event code)', () => {
    assert.equal(parseSipInfoDtmf('application/dtmf', '7')!.digit, '7');
    assert.equal(parseSipInfoDtmf('application/dtmf', '11\r\n')!.digit, '#');
    assert.equal(parseSipInfoDtmf('application/dtmf', '*')!.durationMs, 250);
  });

  it('returns null for other types, flash, missing or bad signals', () => {
    assert.equal(parseSipInfoDtmf('application/sdp', 'Signal=5'), null);
    assert.equal(parseSipInfoDtmf('application/dtmf-relay', 'Signal=!\r\nDuration=100'), null);
    assert.equal(parseSipInfoDtmf('application/dtmf-relay', 'Duration=100'), null);
    assert.equal(parseSipInfoDtmf('application/dtmf-relay', 'Signal=16'), null);
    assert.equal(parseSipInfoDtmf('application/dtmf-relay', 'Signal=55'), null);
    assert.equal(parseSipInfoDtmf('application/dtmf', ''), null);
    assert.equal(parseSipInfoDtmf('application/dtmf', 'X'), null);
  });
});
