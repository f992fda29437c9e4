import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The folder of dag-gan's package.json, found by walking up from this module. The walk works
 * both from the sources (src/data/) and from the compiled tree (dist/src/data/), where a fixed
 * number of `..` would not.
 */
export function packageRoot(): string {
  if (cached !== undefined) return cached;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let folder = start; ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'package.json'))) {
      cached = folder;
      return folder;
    }
    if (dirname(folder) === folder) {
      throw new Error(`packageRoot: no package.json above ${start}; is dag-gan installed whole?`);
    }
  }
}
