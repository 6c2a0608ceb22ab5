// ffmpeg arguments the tests that generate audio in real time share.

/** A generated source (an lavfi graph such as `sine=frequency=440`) read in real time; only errors logged. */
export const realtimeLavfi = (graph: string): string[] => [
  '-hide_banner',
  '-loglevel',
  'error',
  '-re',
  '-f',
  'lavfi',
  '-i',
  graph,
];

/** The output options of WebM/Opus as a browser's MediaRecorder sends it: 32 kb/s, 100 ms clusters (its timeslice), live. */
export const MEDIA_RECORDER_WEBM = [
  '-c:a',
  'libopus',
  '-b:a',
  '32k',
  '-cluster_time_limit',
  '100',
  '-live',
  '1',
  '-f',
  'webm',
] as const;
