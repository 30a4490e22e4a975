// Regenerates docs/errors.md from src/kernel/error-codes.ts. Run: npm run docs:errors
import { writeFileSync } from 'node:fs';
import { renderErrorDocs } from '../src/kernel/error-docs.js';

writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorDocs());
console.log('docs/errors.md written');
