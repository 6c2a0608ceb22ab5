#!/usr/bin/env node
// The `wardcast` command: loads the TypeScript CLI through tsx so the sources run as they are.
import { register } from 'tsx/esm/api';

register();
await import('../cli/wardcast.ts');
