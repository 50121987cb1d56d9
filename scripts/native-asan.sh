#!/usr/bin/env bash
# Runs the native kernel tests (test/backend/native) against an addon built with AddressSanitizer
# and UndefinedBehaviorSanitizer; exits non-zero on any sanitizer report or test failure.
#
#   scripts/native-asan.sh                 # all native tests
#   scripts/native-asan.sh test/backend/native/reduce.test.ts
#
# The sanitized addon is built in a temporary directory (native/build is left alone) and loaded
# through TESSERA_ADDON. Node itself is not instrumented, so libasan is preloaded; leak detection
# is off because Node does not free everything at exit. Needs gcc or clang with libasan/libubsan.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/tessera-asan.XXXXXX")
trap 'rm -rf "$work"' EXIT

cp -r "$root/native/binding.gyp" "$root/native/sources.cjs" "$root/native/src" "$work/"
gyp=${npm_config_node_gyp:-}
if [ -z "$gyp" ]; then
  gyp=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")/node_modules/node-gyp/bin/node-gyp.js
fi
prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
nodedir=()
[ -f "$prefix/include/node/common.gypi" ] && nodedir=(--nodedir="$prefix")

echo "building the sanitized addon in $work ..."
(cd "$work" && NODE_PATH="$root/node_modules" TESSERA_SANITIZE=1 node "$gyp" rebuild --jobs=max "${nodedir[@]}" >"$work/build.log" 2>&1) || {
  tail -n 40 "$work/build.log"
  echo "native-asan: the sanitized build failed" >&2
  exit 1
}

libasan=$(${CXX:-g++} -print-file-name=libasan.so)
[ -f "$libasan" ] || { echo "native-asan: libasan.so not found (install the compiler's sanitizer runtime)" >&2; exit 1; }

tests=("$@")
[ ${#tests[@]} -eq 0 ] && tests=($(find "$root/test/backend/native" -name '*.test.ts' | sort))

log="$work/test.log"
status=0
(
  cd "$root"
  LD_PRELOAD="$libasan" \
  ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:allow_user_segv_handler=1:abort_on_error=0" \
  UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" \
  TESSERA_ADDON="$work/build/Release/tessera.node" \
  node --import tsx --test --test-reporter=spec "${tests[@]}"
) 2>&1 | tee "$log" | grep -E '^ℹ (tests|pass|fail|skipped)|✖|ERROR: AddressSanitizer|runtime error:' || true
status=${PIPESTATUS[0]}

reports=$(grep -cE 'ERROR: AddressSanitizer|runtime error:' "$log" || true)
skipped=$(grep -E '^ℹ skipped' "$log" | awk '{print $3}')
if [ "$status" -ne 0 ] || [ "$reports" -ne 0 ] || [ "${skipped:-0}" -ne 0 ]; then
  grep -E -A30 'ERROR: AddressSanitizer|runtime error:' "$log" | head -n 80 || true
  echo "native-asan: FAILED (test status $status, $reports sanitizer reports, ${skipped:-0} skipped)" >&2
  exit 1
fi
echo "native-asan: all native tests passed under AddressSanitizer + UBSan, 0 sanitizer reports"
