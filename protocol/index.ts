export * from './topics.ts';
export * from './schemas.ts';
export * from './envelope.ts';
export * from './target.ts';
export * from './clock.ts';
export * from './canonical-json.ts';
export * from './geo.ts';
export * from './publish.ts';
