#!/usr/bin/env bash
# CI's reliability stage, after the README's build and tests (.ci/run calls it):
#   1. builds every test with AddressSanitizer and UndefinedBehaviorSanitizer
#      (g++, in build-asan/) and runs them all: any finding aborts its test;
#   2. builds the libFuzzer targets of tests/fuzz (clang, in build-fuzz/) and
#      runs each for FUZZ_SECONDS (default 60) from its seed corpus in
#      tests/fuzz/corpus/<target>/, then prints the executions run and the
#      findings of each; any finding fails the stage, and its input is kept in
#      build-fuzz/findings/ to become a regression test.
# Idempotent: it installs only what is missing and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzz_seconds=${FUZZ_SECONDS:-60}

# clang and its runtimes (libFuzzer, clang's ASan); g++'s sanitizer runtimes come with g++.
packages=(clang-14 libclang-rt-14-dev)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

# Flags for both builds: optimised enough to be quick, debug info for the
# reports, and without NDEBUG, so the assert-tier checks run too.
debug_flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g"
             -DBOOK_RUN_CHAPTERS=OFF)
export ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

echo "== sanitizers: building every test with -fsanitize=address,undefined (build-asan/)"
cmake -S . -B build-asan -DBOOK_SANITIZE=ON -DBOOK_EXERCISES=solutions "${debug_flags[@]}" >/dev/null
cmake --build build-asan --parallel 2 >build-asan/build.log 2>&1 || { tail -50 build-asan/build.log; exit 1; }
echo "== sanitizers: running every test"
ctest --test-dir build-asan --output-on-failure -j2

echo "== fuzzing: building the libFuzzer targets with clang (build-fuzz/)"
targets=(fuzz_idx_images fuzz_idx_labels fuzz_model)
cmake -S . -B build-fuzz -DBOOK_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++-14 "${debug_flags[@]}" >/dev/null
cmake --build build-fuzz --parallel 2 --target "${targets[@]}" >build-fuzz/build.log 2>&1 || { tail -50 build-fuzz/build.log; exit 1; }

failed=0
summary=()
for target in "${targets[@]}"; do
  work=build-fuzz/corpus/$target findings=build-fuzz/findings/$target
  mkdir -p "$work" "$findings"
  rm -f "$findings"/*
  echo "== fuzzing $target for ${fuzz_seconds} s"
  status=0
  # New inputs go to build-fuzz/corpus/ (the first folder); the seeds in tests/ stay as they are.
  build-fuzz/tests/fuzz/$target "$work" "tests/fuzz/corpus/$target" \
    -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len=4096 \
    -print_final_stats=1 -artifact_prefix="$findings/" >"build-fuzz/$target.log" 2>&1 || status=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "build-fuzz/$target.log" | grep -o '[0-9]*$' || true)
  found=$(find "$findings" -type f | wc -l)
  summary+=("$target: ${runs:-?} executions, $found findings, corpus $(find "$work" -type f | wc -l) inputs")
  if [ "$status" -ne 0 ] || [ "$found" -ne 0 ]; then
    failed=1
    echo "$target: FAILED (exit status $status); the report:"
    grep -A30 -m1 'ERROR\|==ERROR\|deadly signal\|uncaught' "build-fuzz/$target.log" || tail -40 "build-fuzz/$target.log"
    ls -l "$findings"
  fi
done
echo "== fuzzing summary"
printf '%s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
  echo "reliability: a fuzz target found a crash; see above" >&2
  exit 1
fi
echo "== reliability: sanitizers and fuzzing found nothing"
