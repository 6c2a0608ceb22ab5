// docs/settings.md is what the schemas describe: a setting added, renamed or described anew
// without `npm run docs:settings` fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTINGS_DOC, settingsMarkdown } from './settings-doc.ts';

describe('docs/settings.md', () => {
  it('is up to date with the settings schemas (npm run docs:settings)', () => {
    expect(readFileSync(SETTINGS_DOC, 'utf8')).toBe(settingsMarkdown());
  });

  it('documents every setting of the hub and the agent, with its variable and flag', () => {
    const doc = settingsMarkdown();
    const esc = (c: string) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const row = (...cells: string[]) => new RegExp(`\\|\\s*${cells.map(esc).join('\\s*\\|\\s*')}\\s*\\|`);
    expect(doc).toMatch(row('`httpPort`', '`WARDCAST_HTTP_PORT`', '`--http-port`', '`8080`'));
    expect(doc).toMatch(row('`tts.maxChars`', '—', '—', '`5000`'));
    expect(doc).toMatch(row('`hubUrl`', '`WARDCAST_HUB_URL`', '`--hub`', 'required'));
  });
});
