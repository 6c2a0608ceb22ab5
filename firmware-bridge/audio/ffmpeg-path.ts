// Finds the ffmpeg binary. Order (DESIGN.md): an explicit path (config or FFMPEG_PATH),
// ffmpeg-static if installed (the field), @ffmpeg-installer/ffmpeg (ships its binary inside the
// npm package, so it installs from the registry alone), then `ffmpeg` on PATH.
import { createRequire } from 'node:module';
import { accessSync, constants } from 'node:fs';
import { execFileSync } from 'node:child_process';

const require = createRequire(import.meta.url);

function executable(p: string | undefined | null): p is string {
  if (!p) return false;
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A string field of a module whose shape we do not know (a package may export the path or an object). */
function stringField(m: unknown, key: string): string | undefined {
  const v = typeof m === 'object' && m !== null ? (m as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' ? v : undefined;
}

function fromPackage(name: string, pick: (m: unknown) => string | undefined): string | undefined {
  try {
    return pick(require(name));
  } catch {
    return undefined;
  }
}

export interface ResolvedFfmpeg {
  path: string;
  source: 'explicit' | 'ffmpeg-static' | '@ffmpeg-installer/ffmpeg' | 'PATH';
}

export function resolveFfmpeg(explicit?: string): ResolvedFfmpeg {
  const given = explicit || process.env.FFMPEG_PATH;
  if (given) {
    if (!executable(given))
      throw new Error(
        `ffmpeg at "${given}" (from ${explicit ? 'config' : 'FFMPEG_PATH'}) is missing or not executable`,
      );
    return { path: given, source: 'explicit' };
  }
  const fromStatic = fromPackage('ffmpeg-static', (m) => (typeof m === 'string' ? m : stringField(m, 'default')));
  if (executable(fromStatic)) return { path: fromStatic, source: 'ffmpeg-static' };
  const fromInstaller = fromPackage('@ffmpeg-installer/ffmpeg', (m) => stringField(m, 'path'));
  if (executable(fromInstaller)) return { path: fromInstaller, source: '@ffmpeg-installer/ffmpeg' };
  try {
    const onPath = execFileSync('sh', ['-c', 'command -v ffmpeg'], { encoding: 'utf8' }).trim();
    if (executable(onPath)) return { path: onPath, source: 'PATH' };
  } catch {
    /* fall through to the error */
  }
  throw new Error(
    'no ffmpeg found: set FFMPEG_PATH, or install ffmpeg-static, @ffmpeg-installer/ffmpeg or a system ffmpeg',
  );
}
