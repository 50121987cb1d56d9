// Lists the addon's C++ sources for binding.gyp, so that new files need no edit there.
// Usage: node sources.cjs generic|avx2|avx512. Files named *_avx2.cc / *_avx512.cc are compiled in
// their own static library with that ISA's flags (x86-64 only); every other .cc under src/ is
// portable code for the addon itself.
'use strict';
const fs = require('fs');
const path = require('path');

const kind = process.argv[2];
const out = [];
(function walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p);
    else if (entry.name.endsWith('.cc')) {
      const isa = /_avx512\.cc$/.test(entry.name) ? 'avx512' : /_avx2\.cc$/.test(entry.name) ? 'avx2' : 'generic';
      if (isa === kind) out.push(path.relative(__dirname, p).split(path.sep).join('/'));
    }
  }
})(path.join(__dirname, 'src'));
process.stdout.write(out.join(' '));
