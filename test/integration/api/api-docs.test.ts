import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { renderApiDocs } from '../../../src/api/openapi-docs.js';
import { type TestApp, testApp } from '../../support/app.js';
import { ENGINES } from '../../support/engines.js';

describe('API reference', () => {
  let t: TestApp;
  before(async () => {
    t = await testApp(ENGINES[0]!);
  });
  after(async () => t?.close());

  it('docs/api.md matches the OpenAPI document (run npm run docs:generate)', () => {
    const committed = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');
    assert.equal(committed, renderApiDocs(t.app.swagger() as never));
  });

  it('every operation has a summary and documents its error body', () => {
    const doc = t.app.swagger() as unknown as {
      paths: Record<string, Record<string, { summary?: string; responses: object }>>;
    };
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        assert.ok(op.summary, `${method} ${path} has no summary`);
        if (path.startsWith('/api/v1/') && method !== 'get' && path !== '/api/v1/auth/logout') {
          assert.ok('400' in op.responses, `${method} ${path} lacks 400`);
        }
      }
    }
  });
});
