#!/usr/bin/env node
// One runner for all tiers: node's built-in test runner with tsx for TypeScript.
// Usage: node scripts/run-tests.mjs [unit|integration|e2e ...] [--only PATTERN]
// Files: test/<tier>/**/*.test.ts. Tiers run in order unit → integration → e2e in one
// `node --test` invocation so the closing summary counts everything.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const allTiers = ['unit', 'integration', 'e2e'];
const args = process.argv.slice(2);
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? args.splice(onlyIdx, 2)[1] : undefined;
const tiers = args.length > 0 ? args : allTiers;
for (const t of tiers) {
  if (!allTiers.includes(t)) {
    console.error(`unknown tier '${t}' (expected one of ${allTiers.join(', ')})`);
    process.exit(2);
  }
}

function walk(dir) {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries.sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(walk(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

let files = tiers.flatMap((t) => walk(join(root, 'test', t)));
if (only) files = files.filter((f) => f.includes(only));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const concurrency = process.env.SWB_TEST_CONCURRENCY ?? '2';
const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files.map((f) => relative(root, f))],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(res.status ?? 1);
