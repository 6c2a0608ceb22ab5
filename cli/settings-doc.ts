// docs/settings.md, written from the settings schemas' own descriptions (.describe()), the
// environment variables and the flags: `npm run docs:settings`. cli/settings-doc.test.ts fails
// when the committed file is out of date.
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AGENT_ENV, AGENT_FLAGS, AgentConfig } from '../edge-agent/main.ts';
import { HUB_ENV, HUB_FLAGS, HubConfig } from '../hub/main.ts';
import { settingDocs } from '../protocol/index.ts';

export const SETTINGS_DOC = fileURLToPath(new URL('../docs/settings.md', import.meta.url));

const cell = (s: string) => s.replace(/\|/g, '\\|');
const code = (xs: string[]) => xs.map((x) => `\`${x}\``).join(', ');

function table(
  schema: Parameters<typeof settingDocs>[0],
  env: Record<string, string>,
  flags: Record<string, string | undefined>,
) {
  const rows = settingDocs(schema).map((d) => {
    const vars = Object.keys(env).filter((name) => env[name] === d.key);
    const dflt = d.default !== undefined ? `\`${d.default}\`` : d.required ? 'required' : '—';
    return [
      `\`${d.key}\``,
      code(vars) || '—',
      flags[d.key] ? `\`${flags[d.key]}\`` : '—',
      cell(dflt),
      cell(d.description),
    ];
  });
  return aligned(['setting', 'environment', 'flag', 'default', 'what it is'], rows);
}

/** A Markdown table with its columns padded, as the formatter (biome) leaves it. */
function aligned(head: string[], rows: string[][]): string {
  const len = (s: string) => [...s].length;
  const widths = head.map((h, i) => Math.max(3, len(h), ...rows.map((r) => len(r[i]))));
  const line = (r: string[]) => `| ${r.map((c, i) => c + ' '.repeat(widths[i] - len(c))).join(' | ')} |`;
  return [line(head), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

export function settingsMarkdown(): string {
  return `# Settings

<!-- Written by cli/settings-doc.ts from the schemas' descriptions (hub/config.ts, edge-agent/config.ts): npm run docs:settings -->

The hub and the agent load their settings the same way (protocol/settings.ts): the defaults below,
then a YAML or JSON file (\`--config\`; JSON by a \`.json\` name), then the environment, then flags.
A later one wins. A bad value stops the program with a message naming the setting. Nested settings
(\`tts.command\`) are set in the file.

## Hub (\`wardcast hub\`, \`wardcast demo\`)

${table(HubConfig, HUB_ENV, HUB_FLAGS)}

## Edge agent (\`wardcast agent\`)

The file's \`dataDir\` and \`caFile\` are relative to the file. The hardware profile is described in
[hardware.md](hardware.md) and [led-boards.md](led-boards.md).

${table(AgentConfig, AGENT_ENV, AGENT_FLAGS)}
`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(SETTINGS_DOC, settingsMarkdown());
  console.log('wrote docs/settings.md');
}
