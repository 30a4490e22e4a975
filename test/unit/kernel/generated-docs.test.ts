import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { renderConfigDocs } from '../../../src/kernel/config-docs.js';

describe('generated docs', () => {
  it('docs/configuration.md lists every config key as generated (run npm run docs:generate)', () => {
    const committed = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    assert.equal(committed, renderConfigDocs());
  });
});
