/**
 * Finds and loads the native addon (native/build/Release/tessera.node), recording why when it
 * cannot. Node-only by nature: a browser build leaves this module (and the native backend) out.
 *
 * TESSERA_ADDON=/path/to/tessera.node loads that file instead (the sanitizer build uses it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NativeAddon } from './addon.js';

export interface AddonStatus {
  /** The loaded addon, or null. */
  readonly addon: NativeAddon | null;
  /** The .node file it was loaded from (or was looked for). */
  readonly path: string | null;
  /** Why it is not loaded; null when it is. */
  readonly error: string | null;
}

const RELATIVE = join('native', 'build', 'Release', 'tessera.node');

/** The package root: the nearest ancestor of this file holding native/ (src/ and dist/src/ both work). */
function packageRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'native', 'binding.gyp')) || existsSync(join(dir, RELATIVE))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

function load(): AddonStatus {
  const override = process.env['TESSERA_ADDON'] || null;
  const root = packageRoot();
  const path = override ?? (root === null ? null : join(root, RELATIVE));
  if (path === null) return { addon: null, path: null, error: 'cannot find the package directory holding native/' };
  if (!existsSync(path)) {
    // The install script records why the build failed; without that record it never ran.
    const record = root === null ? null : join(root, 'native', 'build', 'tessera-build-error.txt');
    const why = record !== null && existsSync(record) ? readFileSync(record, 'utf8').trim() : null;
    return {
      addon: null,
      path,
      error: why !== null ? `the build failed: ${why}` : `${path} does not exist (run \`npm run build:native\`)`,
    };
  }
  try {
    const addon = createRequire(import.meta.url)(path) as NativeAddon;
    return { addon, path, error: null };
  } catch (e) {
    return { addon: null, path, error: `loading ${path} failed: ${(e as Error).message.split('\n')[0]}` };
  }
}

/** Loaded once, at first import. */
export const addonStatus: AddonStatus = load();
