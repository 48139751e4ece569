#!/usr/bin/env bash
# Builds onorder and runs every test: the release build, then the sanitizer (ASan+UBSan) build.
# ONORDER_SKIP_ASAN=1 skips the second pass. Sources must match .clang-format; warnings are errors.
# Last, every libFuzzer harness runs for ONORDER_FUZZ_SECONDS (20) each; ONORDER_SKIP_FUZZ=1 skips it.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

echo "== format check (.clang-format) =="
bash scripts/check-format.sh

jobs=$(nproc 2>/dev/null || echo 2)

presets=(release)
[ "${ONORDER_SKIP_ASAN:-0}" = 1 ] || presets+=(asan)
for preset in "${presets[@]}"; do
  echo "== $preset build =="
  cmake --preset "$preset" -DONORDER_WERROR=ON >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  ctest --preset "$preset" -j "$jobs"
done

if [ "${ONORDER_SKIP_FUZZ:-0}" != 1 ]; then
  echo "== fuzz =="
  bash fuzz/run.sh "${ONORDER_FUZZ_SECONDS:-20}"
fi
