// One way to load settings, for the hub and the agent alike: the schema's defaults, then a YAML or
// JSON file, then the environment, then flags (later wins; README "Settings"). It lives in protocol/
// because both programs may import protocol and neither may import the other; it stays I/O-free
// like the rest of protocol: the caller reads the file and hands over the environment.
import YAML from 'yaml';
import type { z } from 'zod';
import { describeZodError } from './schemas.ts';

type Layer = Record<string, unknown>;

/** A YAML or JSON document (JSON by a .json name); a syntax error names the file and the format. */
export function parseYamlOrJson(text: string, file: string, what = file): unknown {
  const json = file.endsWith('.json');
  try {
    return json ? JSON.parse(text) : YAML.parse(text);
  } catch (e) {
    throw new Error(`${what} is not valid ${json ? 'JSON' : 'YAML'}: ${(e as Error).message}`);
  }
}

/**
 * The settings in a file: `read` gives its text (readFileSync at the caller). An empty file is no
 * settings; anything but a mapping at the top is refused.
 */
export function settingsFile(file: string, read: (file: string) => string, what = `config file ${file}`): Layer {
  let text: string;
  try {
    text = read(file);
  } catch (e) {
    throw new Error(`cannot read ${what}: ${(e as Error).message}`);
  }
  const parsed = parseYamlOrJson(text, file, what);
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error(`${what} is not valid: the top level must be a mapping of settings`);
  return parsed as Layer;
}

/** The settings the environment gives: variable name → setting; empty variables give nothing. */
export function envSettings(
  env: Record<string, string | undefined>,
  names: Record<string, string>,
  numeric: ReadonlySet<string> = new Set(),
): Layer {
  const out: Layer = {};
  for (const [name, key] of Object.entries(names)) {
    const v = env[name];
    if (v !== undefined && v !== '') out[key] = numeric.has(key) ? Number(v) : v;
  }
  return out;
}

/** The layers, lowest first: what `loadSettings` merges. */
export interface SettingsLayers {
  /** Defaults of the caller beyond the schema's own (e.g. the demo's quieter log level). */
  defaults?: Layer;
  file?: Layer;
  env?: Layer;
  flags?: Layer;
}

/** Merges the layers (flags > environment > file > defaults; undefined values do not count) and validates. */
export function loadSettings<S extends z.ZodTypeAny>(schema: S, layers: SettingsLayers, what: string): z.output<S> {
  const merged: Layer = {};
  for (const layer of [layers.defaults, layers.file, layers.env, layers.flags])
    for (const [k, v] of Object.entries(layer ?? {})) if (v !== undefined) merged[k] = v;
  const r = schema.safeParse(merged);
  if (!r.success) throw new Error(`${what}: ${describeZodError(r.error)}`);
  return r.data;
}

/** One setting's documentation, read from the schema: its `.describe()` text and its default. */
export interface SettingDoc {
  key: string;
  description: string;
  /** The default as JSON, when the schema has one. */
  default?: string;
  required: boolean;
}

/**
 * Every setting of an object schema, nested objects as `parent.key` (docs/settings.md). A setting
 * without a description is an error: the docs are written from these texts alone.
 */
export function settingDocs(schema: z.ZodObject, prefix = ''): SettingDoc[] {
  const out: SettingDoc[] = [];
  for (const [name, field] of Object.entries(schema.shape)) {
    const key = prefix + name;
    let description: string | undefined;
    let dflt: unknown;
    let hasDefault = false;
    let optional = false;
    let inner: z.ZodType | undefined = field as z.ZodType;
    let object: z.ZodObject | undefined;
    while (inner) {
      description ??= inner.description;
      const def = inner._zod.def as { type: string; innerType?: z.ZodType; defaultValue?: unknown };
      if (def.type === 'default' && !hasDefault) [hasDefault, dflt] = [true, def.defaultValue];
      if (def.type === 'optional') optional = true;
      if (def.type === 'object') object = inner as z.ZodObject;
      inner = def.innerType;
    }
    if (!description) throw new Error(`setting ${key} has no description (.describe())`);
    out.push({
      key,
      description,
      ...(hasDefault && !object ? { default: JSON.stringify(dflt) } : {}),
      required: !hasDefault && !optional,
    });
    if (object) out.push(...settingDocs(object, `${key}.`));
  }
  return out;
}
