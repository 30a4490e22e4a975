#!/usr/bin/env node
// Entry point of the `switchboard` CLI. TypeScript runs through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
try {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exitCode = code;
} catch (err) {
  console.error('switchboard: fatal:', err instanceof Error ? err.stack : err);
  process.exitCode = 1;
}
