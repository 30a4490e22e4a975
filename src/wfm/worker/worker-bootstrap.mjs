// Loads the TypeScript worker through tsx, whether or not the parent passed `--import tsx` on.
import { register } from 'tsx/esm/api';

register();
await import('./worker-entry.ts');
