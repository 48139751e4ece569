#!/usr/bin/env bash
# Builds the libFuzzer harnesses (the fuzz preset: clang, -fsanitize=fuzzer,address,undefined,
# in build/fuzz) and runs each for SECONDS over its seed corpus, its regressions and its
# dictionary, one after the other.
#   fuzz/run.sh SECONDS [HARNESS...]     (default: every harness)
# Prints the executions of each; exits non-zero when any found a crash, a leak or a hang. The
# corpus a run grows is kept in build/fuzz/corpus/<harness> (the checked-in seeds are not
# touched), the input that failed in build/fuzz/artifacts/<harness>/: keep it in
# fuzz/regressions/<harness>/ once the bug is fixed.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:?usage: fuzz/run.sh SECONDS [HARNESS...]}
shift
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(orders response journal config endpoints)

# Inputs longer than this teach little and make every execution slower.
declare -A max_len=([orders]=4096 [response]=8192 [journal]=16384 [config]=4096 [endpoints]=8192)

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc 2>/dev/null || echo 2)"

export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

failed=()
summary=()
for harness in "${harnesses[@]}"; do
  binary=build/fuzz/fuzz/fuzz_$harness
  [ -x "$binary" ] || { echo "no harness $harness" >&2; exit 2; }
  work=build/fuzz/corpus/$harness
  artifacts=build/fuzz/artifacts/$harness/
  log=build/fuzz/$harness.log
  mkdir -p "$work" "$artifacts" "fuzz/regressions/$harness"
  echo "== fuzz $harness: ${seconds}s =="
  status=0
  "$binary" -max_total_time="$seconds" -max_len="${max_len[$harness]:-8192}" -timeout=10 \
    -rss_limit_mb=2048 -dict="fuzz/dict/$harness.dict" -artifact_prefix="$artifacts" \
    -print_final_stats=1 "$work" "fuzz/corpus/$harness" "fuzz/regressions/$harness" \
    >"$log" 2>&1 || status=$?
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  summary+=("$(printf '%-10s %12s executions  %s' "$harness" "${executions:-?}" \
    "$([ $status -eq 0 ] && echo ok || echo "FAILED (exit $status)")")")
  if [ $status -ne 0 ]; then
    failed+=("$harness")
    grep -E "^==[0-9]+==ERROR|SUMMARY|runtime error|Test unit written|ALARM|leak" "$log" >&2 || true
    echo "full log: $log" >&2
  fi
done

echo "== fuzz summary (${seconds}s each) =="
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found a crash, leak or hang in: ${failed[*]} (inputs in build/fuzz/artifacts/)" >&2
  exit 1
fi
