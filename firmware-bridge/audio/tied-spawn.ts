// Child processes that die with their parent. A hub or agent killed with SIGKILL cannot clean up,
// and an orphaned ffmpeg would go on transcoding, or go on playing into the amplifier while the
// restarted agent starts the next bulletin on top of it. Linux's parent-death signal ends the
// child when its parent dies; util-linux's setpriv sets it before exec, since Node's spawn cannot.
// Where setpriv is missing (a non-Linux bench machine) the child is spawned plainly.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';

let setprivPath: string | null | undefined;

/** setpriv's path when it supports --pdeathsig (util-linux ≥ 2.33), else null; looked up once. */
export function pdeathsigWrapper(): string | null {
  if (setprivPath !== undefined) return setprivPath;
  setprivPath = null;
  for (const p of ['/usr/bin/setpriv', '/bin/setpriv']) {
    const r = spawnSync(p, ['--pdeathsig', 'SIGKILL', 'true'], { stdio: 'ignore' });
    if (r.status === 0) {
      setprivPath = p;
      break;
    }
  }
  return setprivPath;
}

/** spawn(), but the child is killed (SIGKILL) when this process dies, however it dies. */
export function spawnTied(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  const wrapper = pdeathsigWrapper();
  return wrapper
    ? spawn(wrapper, ['--pdeathsig', 'SIGKILL', '--', command, ...args], options)
    : spawn(command, args, options);
}
