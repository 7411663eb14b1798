#!/usr/bin/env node
// The `concord` command: registers tsx so the TypeScript CLI in server/cli runs as is, then hands over to it.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../server/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
