// A text-to-speech engine is a command the hub runs, described by a template in its config, so an
// installation can plug in another local engine (Piper with a Vietnamese voice) without code.
//
//   {out}       the WAV file the engine writes; without it the engine writes WAV to its stdout
//   {textFile}  a UTF-8 file holding the text; {text} the text as one argument; with neither,
//               the text goes to the engine's stdin
//   {voice}     the configured voice
//
// No shell runs: each element is one argument, placeholders substituted inside it.
import { accessSync, constants, createWriteStream, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { spawnTied } from '../../firmware-bridge/audio.ts';
import { LocalizedError, msg, type Message } from '../text/index.ts';

export const PLACEHOLDERS = ['out', 'textFile', 'text', 'voice'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** espeak-ng's Vietnamese voice, a little slower than its default for outdoor loudspeakers. */
export const DEFAULT_TTS_COMMAND = ['espeak-ng', '-v', '{voice}', '-s', '150', '-w', '{out}', '-f', '{textFile}'];

export interface TtsEngineSpec {
  /** Program and arguments with placeholders. */
  command: string[];
  voice: string;
  /** Per run; a stuck engine is killed. */
  timeoutMs: number;
}

/** Problems with a command template, in words, for the config error; empty when it is usable. */
export function templateProblems(command: unknown): string[] {
  if (!Array.isArray(command) || command.length === 0)
    return [
      'must be a list: the program, then its arguments, e.g. ["espeak-ng", "-v", "vi", "-w", "{out}", "{textFile}"]',
    ];
  const out: string[] = [];
  if (!command.every((a) => typeof a === 'string')) return ['every element must be a string'];
  if (!command[0].trim()) out.push('the program (first element) is empty');
  if (/\{[^}]*\}/.test(command[0])) out.push('the program (first element) cannot be a placeholder');
  const used = new Map<string, number>();
  for (const arg of command.slice(1)) {
    for (const m of arg.matchAll(/\{([^{}]*)\}/g)) used.set(m[1], (used.get(m[1]) ?? 0) + 1);
    if (/\{[^{}]*$|^[^{}]*\}/.test(arg.replace(/\{[^{}]*\}/g, '')))
      out.push(`unbalanced brace in argument ${JSON.stringify(arg)}`);
  }
  for (const [name, n] of used) {
    if (!(PLACEHOLDERS as readonly string[]).includes(name))
      out.push(`unknown placeholder {${name}} (known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})`);
    else if (n > 1) out.push(`{${name}} appears ${n} times; once is enough`);
  }
  if (used.has('text') && used.has('textFile')) out.push('use {text} or {textFile}, not both');
  return out;
}

export type TtsFailure = 'engine-missing' | 'engine-failed' | 'timeout' | 'no-audio';

/** The engine did not give audio. `message` is for the official; `detail` (the engine's own words) for admins. */
export class TtsError extends LocalizedError {
  constructor(
    readonly code: TtsFailure,
    message: Message,
    readonly detail: string,
  ) {
    super(message);
  }
}

/** The program resolved on PATH (or as given), or null when it is not installed. */
export function findProgram(program: string, envPath = process.env.PATH ?? ''): string | null {
  const candidates = program.includes('/')
    ? [program]
    : envPath
        .split(':')
        .filter(Boolean)
        .map((d) => path.join(d, program));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      if (statSync(c).isFile()) return c;
    } catch {
      /* not here */
    }
  }
  return null;
}

/** The arguments with placeholders filled in (exported for its unit test). */
export function fillTemplate(command: string[], values: Partial<Record<Placeholder, string>>): string[] {
  return command.map((arg, i) =>
    i === 0 ? arg : arg.replace(/\{(out|textFile|text|voice)\}/g, (_, k: Placeholder) => values[k] ?? ''),
  );
}

/**
 * Runs the engine once: `text` → a WAV file at `wavPath`, using `workDir` for the text file.
 * Throws TtsError: engine-missing, engine-failed (non-zero exit), timeout, no-audio (exit 0 but no sound written).
 */
export async function synthesize(
  spec: TtsEngineSpec,
  text: string,
  wavPath: string,
  workDir: string,
): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const joined = spec.command.slice(1).join('\u0000');
  const textFile = path.join(workDir, `${path.basename(wavPath)}.txt`);
  if (joined.includes('{textFile}')) writeFileSync(textFile, text, 'utf8');
  const toStdout = !joined.includes('{out}');
  const viaStdin = !joined.includes('{textFile}') && !joined.includes('{text}');
  const args = fillTemplate(spec.command, { out: wavPath, textFile, text, voice: spec.voice });
  const program = spec.command[0];
  const resolved = findProgram(program);
  if (!resolved)
    throw new TtsError(
      'engine-missing',
      msg('tts.engine-missing', { program }),
      `${program}: not found on PATH (${process.env.PATH ?? ''})`,
    );

  await new Promise<void>((resolve, reject) => {
    // Tied to the hub: a hub killed mid-reading leaves no engine running (a Piper run can be long).
    const child = spawnTied(resolved, args.slice(1), {
      cwd: workDir,
      stdio: [viaStdin ? 'pipe' : 'ignore', toStdout ? 'pipe' : 'ignore', 'pipe'],
    });
    let stderr = '';
    let settled = false;
    const done = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done(
        new TtsError(
          'timeout',
          msg('tts.engine-timeout', { program, seconds: Math.round(spec.timeoutMs / 1000) }),
          `killed after ${spec.timeoutMs} ms: ${stderr.slice(-500)}`,
        ),
      );
    }, spec.timeoutMs);
    child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    const sink = toStdout ? child.stdout!.pipe(createWriteStream(wavPath)) : null;
    if (viaStdin) {
      child.stdin!.on('error', () => {}); // an engine that exits early closes its stdin; the exit code tells why
      child.stdin!.end(text, 'utf8');
    }
    child.on('error', (e: NodeJS.ErrnoException) =>
      done(
        e.code === 'ENOENT'
          ? new TtsError('engine-missing', msg('tts.engine-missing', { program }), e.message)
          : new TtsError('engine-failed', msg('tts.engine-failed', { program }), e.message),
      ),
    );
    child.on('close', (code, signal) => {
      // Audio on stdout is complete once the file has taken all of it.
      if (code === 0)
        return sink
          ? void finished(sink).then(
              () => done(),
              (e) => done(new TtsError('engine-failed', msg('tts.engine-failed', { program }), e.message)),
            )
          : done();
      done(
        new TtsError(
          'engine-failed',
          msg('tts.engine-failed', { program }),
          `${[program, ...args.slice(1)].join(' ')} exited with ${code ?? signal}: ${stderr.trim().slice(-1500)}`,
        ),
      );
    });
  });
  let bytes = 0;
  try {
    bytes = statSync(wavPath).size;
  } catch {
    /* none written */
  }
  // A WAV header alone is 44 bytes: anything that small has no sound in it.
  if (bytes <= 44)
    throw new TtsError(
      'no-audio',
      msg('tts.engine-no-audio', { program }),
      `${program} exited 0 but wrote ${bytes} bytes to ${toStdout ? 'stdout' : wavPath}`,
    );
  return { ms: performance.now() - started, bytes };
}
