// The demo's upstream for a relay (tiếp âm): a fresh machine has no Icecast, so the demo serves a
// stream of its own, like a radio station's would be: an MP3 stream over plain HTTP on a free
// loopback port (http://127.0.0.1:<port>/demo.mp3), the demo's spoken bulletin looped at real time
// by ffmpeg. Each listener gets its own ffmpeg (the hub pulls once per relay occurrence).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DemoStream {
  url: string;
  /** listeners served so far */
  served(): number;
  stop(): Promise<void>;
}

export async function startDemoStream(ffmpegPath: string, audioFile: string): Promise<DemoStream> {
  const encoders = new Set<ChildProcess>();
  let served = 0;
  const server = createServer((req, res) => {
    if (req.url !== '/demo.mp3') {
      res.writeHead(404).end();
      return;
    }
    served++;
    const ffmpeg = spawn(
      ffmpegPath,
      // -re: at the pace of a live station; looped so it lasts as long as anyone listens.
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-re',
        '-stream_loop',
        '-1',
        '-i',
        audioFile,
        '-ac',
        '1',
        '-ar',
        '44100',
        '-c:a',
        'libmp3lame',
        '-b:a',
        '64k',
        '-f',
        'mp3',
        'pipe:1',
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    encoders.add(ffmpeg);
    ffmpeg.once('exit', () => {
      encoders.delete(ffmpeg);
      res.end();
    });
    res.writeHead(200, { 'content-type': 'audio/mpeg', 'cache-control': 'no-store', 'icy-name': 'wardcast demo' });
    ffmpeg.stdout!.pipe(res);
    res.once('close', () => ffmpeg.kill('SIGTERM'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/demo.mp3`,
    served: () => served,
    stop: async () => {
      const exits = [...encoders].map((c) => new Promise((r) => c.once('exit', r)));
      for (const c of encoders) c.kill('SIGTERM');
      server.closeAllConnections();
      await Promise.all([new Promise((r) => server.close(r)), ...exits]);
    },
  };
}
