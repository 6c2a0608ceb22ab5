#!/usr/bin/env node
// The `wardcast` command: runs the CLI compiled into dist/ when it is current, else the TypeScript
// sources through tsx (the rule, and WARDCAST_RUNTIME, are in bin/runtime.mjs).
import { chooseRuntime, DIST_ENTRY } from './runtime.mjs';
import { pathToFileURL } from 'node:url';

let choice;
try {
  choice = chooseRuntime();
} catch (e) {
  console.error(`wardcast: ${e.message}`);
  process.exit(2);
}
if (choice.runtime === 'dist') {
  await import(pathToFileURL(DIST_ENTRY).href);
} else {
  if (choice.notice) console.error(choice.notice);
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/wardcast.ts');
}
