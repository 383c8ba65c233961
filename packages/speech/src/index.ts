export * from './script/render.js';
export * from './script/types.js';
export * from './script/validate.js';
export * from './text/cer.js';
export * from './text/normalize.js';
export * from './text/numbers.js';
export * from './text/reading-time.js';
