#!/usr/bin/env bash
# Cost of the behaviour stage: botrecon --detect model / default / all on a
# realistic workload (bench/gen_realistic.py: the real CTU-13 captures of
# ../shared/data replicated with shifted addresses and perturbed values), with
# `cat` of the same file as the reference, in one run. Prints median wall time,
# peak RSS and ratios as a markdown table.
#
#   bench/detect_levels.sh [BUILD_DIR] [ROWS] [REPS]
#
# BUILD_DIR (default: build) must hold botrecon. Needs python3 and GNU time.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$repo/build}
rows=${2:-5000000}
reps=${3:-3}
data=$repo/../shared/data
scratch=${BOTRECON_BENCH_SCRATCH:-/tmp/botrecon-bench}
mkdir -p "$scratch"
workload=$scratch/realistic_$rows.csv
if [ ! -s "$workload" ]; then
  python3 "$repo/bench/gen_realistic.py" "$rows" "$workload.tmp" \
    "$data/ctu13/scenario6-menti-first100min.binetflow" "$data/ctu13/scenario11-rbot.binetflow"
  mv "$workload.tmp" "$workload"
fi

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# measure NAME CMD...: median wall seconds and peak RSS (MB) over REPS runs.
measure() {
  local name=$1; shift
  local walls=() rss=()
  for _ in $(seq "$reps"); do
    /usr/bin/time -f '%e %M' -o "$scratch/time" "$@" > /dev/null 2>&1
    read -r w m < "$scratch/time"
    walls+=("$w"); rss+=("$m")
  done
  local wall mem
  wall=$(printf '%s\n' "${walls[@]}" | median)
  mem=$(printf '%s\n' "${rss[@]}" | median)
  echo "$name $wall $((mem / 1024))"
}

hosts=$(tail -n +2 "$workload" | cut -d, -f4 | sort -u | wc -l)
echo "workload: $workload, $rows rows, $hosts source hosts; $reps runs each, median; $(nproc) cores"
results=$(
  measure cat cat "$workload"
  for level in model default all; do
    measure "botrecon --detect $level" "$build/botrecon" -s -y -j 2 --detect "$level" "$workload" -
  done
)
model=$(echo "$results" | awk '$2 == "--detect" && $3 == "model" {print $4}')
echo
echo "| command | wall s | peak RSS MB | × model-only time |"
echo "|---|---|---|---|"
echo "$results" | while read -r line; do
  name=${line% * *}; rest=${line#"$name "}; wall=${rest% *}; mem=${rest#* }
  echo "| $name | $wall | $mem | $(awk -v a="$wall" -v b="$model" 'BEGIN {printf "%.2f", a / b}') |"
done
