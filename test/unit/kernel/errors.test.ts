import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { renderErrorDocs } from '../../../src/kernel/error-docs.js';
import { ERROR_CODES, httpStatusOf, isSwbError, SwbError, sipStatusOf } from '../../../src/kernel/errors.js';

describe('error registry', () => {
  it('docs/errors.md lists every code exactly as generated (run npm run docs:errors)', () => {
    const committed = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    assert.equal(committed, renderErrorDocs());
  });

  it('every code is SWB_ upper snake case with a valid HTTP status', () => {
    for (const [code, def] of Object.entries(ERROR_CODES)) {
      assert.match(code, /^SWB_[A-Z0-9_]+$/);
      assert.ok(def.http >= 400 && def.http < 600, code);
      if ('sip' in def) assert.ok(def.sip >= 300 && def.sip < 700, code);
    }
  });

  it('renders message templates from details', () => {
    const e = new SwbError('SWB_NOT_FOUND', { resource: 'Tenant' });
    assert.equal(e.message, 'Tenant not found');
    assert.deepEqual(e.toJSON(), {
      code: 'SWB_NOT_FOUND',
      message: 'Tenant not found',
      details: { resource: 'Tenant' },
    });
  });

  it('maps errors to HTTP and SIP in one place', () => {
    assert.equal(httpStatusOf(new SwbError('SWB_VALIDATION')), 400);
    assert.equal(httpStatusOf(new Error('x')), 500);
    assert.equal(sipStatusOf(new SwbError('SWB_UNAUTHENTICATED')), 401);
    assert.equal(sipStatusOf(new SwbError('SWB_VALIDATION')), 500);
    assert.ok(isSwbError(new SwbError('SWB_TIMEOUT', { operation: 'x' }), 'SWB_TIMEOUT'));
    assert.ok(!isSwbError(new SwbError('SWB_TIMEOUT', { operation: 'x' }), 'SWB_INTERNAL'));
  });
});
