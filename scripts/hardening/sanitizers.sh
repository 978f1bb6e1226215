#!/usr/bin/env bash
# Builds and runs the whole test suite under AddressSanitizer and/or ThreadSanitizer, each in
# its own build folder (.build-address, .build-thread), so the normal .build stays as it is.
# The CLI tests run the sanitized needle-eval binary too, so `run`, `serve`, `merge` and the
# HTTP backend are checked in the processes a user starts, not only in the test process.
#
#   scripts/hardening/sanitizers.sh                 # address, then thread
#   scripts/hardening/sanitizers.sh thread          # one of them
#   SANITIZER_SKIP='Regex|Other' scripts/hardening/sanitizers.sh address   # skip more tests
#
# Exit status: 0 when every suite passed, else the first failing one's. Logs go to
# .build-SANITIZER/suite.log. What is skipped under each sanitizer, and why, is in
# docs/HARDENING.md ("Sanitizers").
set -uo pipefail
cd "$(dirname "$0")/../.."

sanitizers=("$@")
[ ${#sanitizers[@]} -eq 0 ] && sanitizers=(address thread)

# LeakSanitizer is off: the Swift runtime's metadata caches and Foundation's singletons live for
# the whole process and are reported as leaks at exit, which would fail every CLI test.
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:${ASAN_OPTIONS:-}"
# A data race report makes the process exit 66 at its end, so the test (or the CLI test that
# ran the binary) fails; second_deadlock_stack gives both stacks of a lock-order report.
export TSAN_OPTIONS="second_deadlock_stack=1:${TSAN_OPTIONS:-}"

# Tests that cannot run under a sanitizer (see docs/HARDENING.md):
# - YOCORuntimeTests.MemoryEstimateTests compares predicted bytes with glibc's count of bytes in
#   use (mallinfo2); the sanitizers replace malloc, so that count is not the program's.
# - AddressSanitizer only: ServeCLITests.testShortLoadTestFailsNothingButDeliberateRefusals fails
#   when the server's RSS grows by more than 64 MiB; ASan holds freed memory back (a 256 MiB
#   quarantine) and adds shadow memory, so RSS growth says nothing about the program there.
skip_for() {
    case "$1" in
        address) echo "MemoryEstimateTests|testShortLoadTestFailsNothingButDeliberateRefusals${SANITIZER_SKIP:+|$SANITIZER_SKIP}" ;;
        thread) echo "MemoryEstimateTests${SANITIZER_SKIP:+|$SANITIZER_SKIP}" ;;
    esac
}

status=0
for sanitizer in "${sanitizers[@]}"; do
    case "$sanitizer" in address|thread) ;; *) echo "unknown sanitizer '$sanitizer': use address or thread" >&2; exit 2 ;; esac
    scratch=".build-$sanitizer"
    log="$scratch/suite.log"
    mkdir -p "$scratch"
    echo "== $sanitizer: building into $scratch"
    if ! swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch" > "$scratch/build.log" 2>&1; then
        echo "build failed; see $scratch/build.log" >&2
        exit 1
    fi
    echo "== $sanitizer: testing (log: $log)"
    start=$(date +%s)
    swift test --skip-build --sanitize="$sanitizer" --scratch-path "$scratch" --skip "$(skip_for "$sanitizer")" > "$log" 2>&1
    code=$?
    reports=$(grep -c -E "^(==[0-9]+==ERROR: AddressSanitizer|WARNING: ThreadSanitizer)" "$log")
    summary=$(grep -E "Executed [0-9]+ tests" "$log" | tail -1)
    echo "== $sanitizer: exit $code in $(( $(date +%s) - start )) s; $summary; sanitizer reports in the log: $reports"
    [ $code -ne 0 ] && [ $status -eq 0 ] && status=$code
    [ "$reports" -ne 0 ] && [ $status -eq 0 ] && status=1
done
exit $status
