// The Ogg page splitter is shared with the agents (a relay starts on the same page everywhere).
export { OggPageSplitter, granuleMs, type OggPage } from '../../protocol/ogg-pages.ts';
