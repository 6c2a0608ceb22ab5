// Audio entry of the firmware bridge, for the hub (media pipeline, text to speech, waveforms) and the
// agent (playback) alike: where ffmpeg is, and child processes that die with their parent. Small on
// purpose: the agent loads it, and with it nothing else of the bridge.
export { resolveFfmpeg, type ResolvedFfmpeg } from './audio/ffmpeg-path.ts';
export { spawnTied } from './audio/tied-spawn.ts';
