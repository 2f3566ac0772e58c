#!/usr/bin/env node
// The package's bin: runs the TypeScript CLI through tsx, in this process (so
// signals, TTY and exit codes are the CLI's own). tsx resolves from this
// package, and reads this package's tsconfig, wherever `npx vesemir` runs.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../src/cli/index.ts');
