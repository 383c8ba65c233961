import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { SDK_NAME, SDK_VERSION } from './version.js';

it('names the package and version from package.json in every manifest', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  expect({ name: SDK_NAME, version: SDK_VERSION }).toEqual({ name: pkg.name, version: pkg.version });
});
