#!/usr/bin/env bash
# Builds and runs every libFuzzer target in tests/fuzz/ for SECONDS each
# (default 60), using the exact build and run commands written in each
# target's header comment. From the repository root:
#
#   bash tests/fuzz/run_all.sh [SECONDS] [TARGET...]
#
# Needs clang and libclang-rt-14-dev (apt-get install clang libclang-rt-14-dev).
# Not part of the default test suite (a fuzz run is long and machine-bound);
# exits non-zero if any target fails to build or finds a crash.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in tests/fuzz/*_fuzz.cc; do targets+=("$(basename "$f" .cc)"); done
fi
status=0
for target in "${targets[@]}"; do
  file=tests/fuzz/$target.cc
  # The commands: comment lines indented by three spaces, continuations joined.
  commands=$(sed -n 's|^//   \(.*\)$|\1|p' "$file" | sed -e ':a' -e '/\\$/N; s/\\\n//; ta')
  commands=$(echo "$commands" | sed -E "s/-max_total_time=[0-9]+/-max_total_time=$seconds/")
  echo "== $target"
  if ! bash -c "set -e; $commands" > "/tmp/$target.log" 2>&1; then
    echo "FAILED: $target (log: /tmp/$target.log)"
    tail -5 "/tmp/$target.log"
    status=1
  else
    grep -E "^Done [0-9]+ runs|#[0-9]+.*DONE" "/tmp/$target.log" | tail -1 || true
  fi
done
exit $status
