export * from './topics.ts';
export * from './schemas.ts';
export * from './payload.ts';
export * from './envelope.ts';
export * from './target.ts';
export * from './clock.ts';
export * from './canonical-json.ts';
export * from './geo.ts';
