/**
 * Crash-safe file replacement. The new content goes to a temporary file in the target's own
 * directory (a rename is atomic only within one file system), is flushed to disk (fsync), and is
 * then renamed over the target; finally the directory is flushed so the rename itself survives a
 * power loss. A process killed at any moment therefore leaves either the complete old file or the
 * complete new one, plus at worst a stray `.<name>.tmp-*` file, never a half-written target.
 */
import fs from 'node:fs';
import nodePath from 'node:path';

/** Bytes per write call: large writes are split so a short write is retried, not lost. */
const CHUNK = 1 << 24;

let counter = 0;

/**
 * Replaces the file at `path` with `data` (bytes, or a string written as UTF-8), atomically.
 *
 * ```ts
 * atomicWriteFile('run/checkpoint.safetensors', bytes);
 * atomicWriteFile('run/config.json', JSON.stringify(config));
 * ```
 */
export function atomicWriteFile(path: string, data: Uint8Array | string): void {
  if (typeof path !== 'string' || path === '') throw new Error(`atomicWriteFile: path must be a non-empty string, got ${JSON.stringify(path)}`);
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) {
    throw new Error(`atomicWriteFile: data must be a Uint8Array or a string, got ${data === null ? 'null' : typeof data}`);
  }
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const dir = nodePath.dirname(path);
  const temp = nodePath.join(dir, `.${nodePath.basename(path)}.tmp-${process.pid}-${Date.now().toString(36)}-${counter++}`);
  // 'wx': fail rather than reuse a file that exists under the temporary name.
  const fd = fs.openSync(temp, 'wx', 0o666);
  let renamed = false;
  try {
    try {
      const mode = existingMode(path);
      if (mode !== null) fs.fchmodSync(fd, mode); // replacing a file keeps its permissions
      for (let done = 0; done < bytes.length; ) {
        done += fs.writeSync(fd, bytes, done, Math.min(CHUNK, bytes.length - done));
      }
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, path);
    renamed = true;
  } finally {
    if (!renamed) {
      try {
        fs.unlinkSync(temp);
      } catch {
        // Already gone, or the directory became unwritable: the stray temp file is harmless.
      }
    }
  }
  syncDirectory(dir);
}

function existingMode(path: string): number | null {
  try {
    return fs.statSync(path).mode & 0o7777;
  } catch {
    return null;
  }
}

/** Flushes a directory entry change to disk where the platform allows (not on Windows). */
function syncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = fs.openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fs.fsyncSync(fd);
  } catch {
    // Some platforms and file systems (Windows, some network mounts) refuse fsync on a directory.
  } finally {
    fs.closeSync(fd);
  }
}
