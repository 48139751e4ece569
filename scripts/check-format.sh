#!/usr/bin/env bash
# Fails, listing the files, when a C++ source differs from what clang-format makes of it.
# --fix rewrites them in place instead.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' 2>/dev/null || find src include tests bench -name '*.[ch]pp')
if [ "${1:-}" = --fix ]; then
  clang-format -i "${files[@]}"
  exit 0
fi
bad=()
for file in "${files[@]}"; do
  clang-format --dry-run --Werror "$file" >/dev/null 2>&1 || bad+=("$file")
done
if [ ${#bad[@]} -gt 0 ]; then
  echo "not formatted per .clang-format (scripts/check-format.sh --fix): ${bad[*]}" >&2
  exit 1
fi
echo "format ok: ${#files[@]} files"
