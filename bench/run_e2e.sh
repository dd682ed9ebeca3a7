#!/usr/bin/env bash
# End-to-end benchmark of the botrecon command line on the workload of
# docs/benchmarks.md, printed as a markdown table comparable with
# shared/data/baseline.md (the Python original).
#
#   bench/run_e2e.sh [OPTIONS] [BUILD_DIR]
#
# BUILD_DIR (default: build next to this script's repository) must already
# hold botrecon and bench/gen_flows: this script builds nothing. Needs GNU
# time as /usr/bin/time (Debian: apt-get install time), and for --duckdb
# node + npm.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/run_e2e.sh [OPTIONS] [BUILD_DIR]

Generates (if missing) rows_1m.csv and rows_5m.csv in the scratch directory,
then times `botrecon -y -j N [-b 10 %] FILE OUT.csv` several times per
configuration and prints the median wall time and peak RSS as a markdown table.

Options:
  --scratch DIR         where data, outputs and npm packages go (default /tmp/botrecon-bench;
                        never inside the repository)
  --reps N              repetitions per configuration, median reported (default 3)
  --rows LIST           comma-separated sizes among 1m,5m (default 1m,5m)
  --input FILE          the template CSV (default ../shared/data/original-tests/test.csv
                        next to the repository)
  -M, --model-file FILE scan with this .brm model (botrecon -M FILE) instead of the built-in
                        rforest; without it and without a built-in rforest, a stand-in is
                        trained once with `botrecon train` on ctu13/scenario11-rbot.binetflow
  --duckdb              also run the DuckDB reference (bench/duckdb_reference.mjs, npm
                        @duckdb/node-api installed into the scratch directory), same reps
  --duckdb-version V    npm version of @duckdb/node-api (default 1.4.5-r.1, the DuckDB 1.4
                        line of baseline.md)
  --no-drop-outputs     keep every run's output CSV (default: only the last one per size)
  -h, --help            this help
EOF
}

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$script_dir/.." && pwd)
scratch=/tmp/botrecon-bench
reps=3
sizes=1m,5m
input="$repo_dir/../shared/data/original-tests/test.csv"
train_input="$repo_dir/../shared/data/ctu13/scenario11-rbot.binetflow"
model_file=
duckdb=0
duckdb_version=1.4.5-r.1
build_dir=
keep_outputs=0
# The Python original's best end-to-end rate (baseline.md: 5M rows, rforest, -j 2).
original_rows_per_s=95000

while [[ $# -gt 0 ]]; do
  case "$1" in
    --scratch) scratch=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --rows) sizes=$2; shift 2 ;;
    --input) input=$2; shift 2 ;;
    -M|--model-file) model_file=$2; shift 2 ;;
    --duckdb) duckdb=1; shift ;;
    --duckdb-version) duckdb_version=$2; shift 2 ;;
    --no-drop-outputs) keep_outputs=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "run_e2e.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) [[ -z $build_dir ]] || { echo "run_e2e.sh: one BUILD_DIR only" >&2; exit 2; }; build_dir=$1; shift ;;
  esac
done
build_dir=${build_dir:-$repo_dir/build}
build_dir=$(cd "$build_dir" && pwd)

die() { echo "run_e2e.sh: $*" >&2; exit 1; }
log() { echo "[run_e2e] $*" >&2; }

botrecon=$build_dir/botrecon
gen_flows=$build_dir/bench/gen_flows
[[ -x $botrecon ]] || die "$botrecon not found: build it first (make -C $build_dir -j2 botrecon gen_flows)"
[[ -x $gen_flows ]] || die "$gen_flows not found: build it first (make -C $build_dir -j2 gen_flows)"
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found: install GNU time (apt-get install time)"
[[ $reps =~ ^[1-9][0-9]*$ ]] || die "--reps needs a positive integer"
mkdir -p "$scratch"
scratch=$(cd "$scratch" && pwd)
case "$scratch/" in
  "$repo_dir"/*) die "the scratch directory must not be inside the repository ($repo_dir)" ;;
esac

# --- data -------------------------------------------------------------------
declare -A size_rows=([1m]=1000000 [5m]=5000000)
IFS=, read -r -a size_list <<<"$sizes"
for size in "${size_list[@]}"; do
  [[ -n ${size_rows[$size]:-} ]] || die "unknown size '$size' in --rows (expected 1m and/or 5m)"
  file=$scratch/rows_$size.csv
  if [[ ! -s $file ]]; then
    [[ -r $input ]] || die "cannot read the template $input (use --input)"
    log "generating $file (${size_rows[$size]} rows)"
    "$gen_flows" "$input" "${size_rows[$size]}" "$file.tmp"
    mv "$file.tmp" "$file"
  fi
done

# --- model ------------------------------------------------------------------
model_args=()
model_name=rforest
if [[ -n $model_file ]]; then
  [[ -r $model_file ]] || die "cannot read the model file $model_file"
  model_args=(-M "$model_file")
  model_name="rforest ($(basename "$model_file"))"
else
  probe_out=$scratch/probe.out
  if ! "$botrecon" -y -s -m rforest "$scratch/rows_${size_list[0]}.csv" "$scratch/probe.csv" >"$probe_out" 2>&1; then
    if grep -q "not available in this build" "$probe_out"; then
      standin=$scratch/standin-rforest.brm
      if [[ ! -s $standin ]]; then
        [[ -r $train_input ]] || die "no built-in rforest and no $train_input to train a stand-in on (use -M FILE)"
        log "no built-in rforest in this build: training a stand-in on $(basename "$train_input")"
        "$botrecon" train -s -j 2 -o "$standin" "$train_input"
      fi
      model_args=(-M "$standin")
      model_name="rforest (stand-in)"
    else
      cat "$probe_out" >&2
      die "botrecon failed on ${size_list[0]} rows (output above)"
    fi
  fi
  rm -f "$scratch/probe.csv" "$probe_out"
fi

# --- runs -------------------------------------------------------------------
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Warms the page cache so that runs measure botrecon, not the disk.
warm() { cat "$1" >/dev/null; }

rows_table=()
check_failed=0
declare -A reference_output=()
declare -A botrecon_j2_wall=()

# run SIZE JOBS BATCH_LABEL [EXTRA ARGS...]
run() {
  local size=$1 jobs=$2 batch=$3
  shift 3
  local file=$scratch/rows_$size.csv
  local tag="${size}_j${jobs}_${batch// /}"
  tag=${tag//%/pct}
  local out=$scratch/out_$tag.csv
  local walls=() rsss=() cpus=()
  warm "$file"
  for ((rep = 1; rep <= reps; rep++)); do
    local timing=$scratch/time_$tag.txt
    if ! /usr/bin/time -f '%e %M %U %S' -o "$timing" \
        "$botrecon" -y -j "$jobs" "${model_args[@]}" "$@" "$file" "$out" >"$scratch/log_$tag.txt" 2>&1; then
      cat "$scratch/log_$tag.txt" >&2
      die "botrecon failed: -j $jobs $* $file"
    fi
    local wall rss user sys
    read -r wall rss user sys < <(tail -n 1 "$timing")
    walls+=("$wall")
    rsss+=("$rss")
    cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')")
    log "$size rows, -j $jobs, batchify $batch: run $rep/$reps: ${wall}s wall, ${cpus[-1]}s cpu, $((rss / 1024)) MB"
  done
  # Every configuration must give the same hosts as the first one of its size.
  local digest
  digest=$(md5sum <"$out" | cut -d' ' -f1)
  if [[ -z ${reference_output[$size]:-} ]]; then
    reference_output[$size]=$digest
  elif [[ ${reference_output[$size]} != "$digest" ]]; then
    log "WARNING: output of -j $jobs batchify $batch differs from the first run on $size rows"
    check_failed=1
  fi
  [[ $keep_outputs == 1 ]] || [[ $jobs == 2 && $batch == none ]] || rm -f "$out"
  local med_wall med_rss med_cpu
  med_wall=$(printf '%s\n' "${walls[@]}" | median)
  med_cpu=$(printf '%s\n' "${cpus[@]}" | median)
  med_rss=$(printf '%s\n' "${rsss[@]}" | median)
  [[ $jobs == 2 && $batch == none ]] && botrecon_j2_wall[$size]=$med_wall
  rows_table+=("$(awk -v rows="${size_rows[$size]}" -v size="$size" -v model="$model_name" -v jobs="$jobs" \
      -v batch="$batch" -v wall="$med_wall" -v rss="$med_rss" -v cpu="$med_cpu" -v orig="$original_rows_per_s" 'BEGIN {
    rate = wall > 0 ? rows / wall : 0
    printf "| %s | %s | %s | %s | %.2f | %.0f | %.0fk | %.1fx | %.2f |", toupper(size), model, jobs, batch, wall, rss / 1024, rate / 1000, rate / orig, cpu
  }')")
}

for size in "${size_list[@]}"; do
  run "$size" 1 none
  run "$size" 2 none
  run "$size" 2 "10 %" -b 10 %
done

# --- DuckDB reference -------------------------------------------------------
duck_lines=()
if [[ $duckdb == 1 ]]; then
  command -v node >/dev/null || die "--duckdb needs node"
  command -v npm >/dev/null || die "--duckdb needs npm"
  duck_dir=$scratch/duckdb
  mkdir -p "$duck_dir"
  installed=$(node -e "try{console.log(require('$duck_dir/node_modules/@duckdb/node-api/package.json').version)}catch{}" 2>/dev/null || true)
  if [[ $installed != "$duckdb_version" ]]; then
    log "installing @duckdb/node-api@$duckdb_version into $duck_dir"
    npm install --prefix "$duck_dir" --no-audit --no-fund --no-save "@duckdb/node-api@$duckdb_version" >&2
  fi
  cp "$script_dir/duckdb_reference.mjs" "$duck_dir/"
  for size in "${size_list[@]}"; do
    file=$scratch/rows_$size.csv
    warm "$file"
    walls=() queries=() rsss=() cpus=()
    for ((rep = 1; rep <= reps; rep++)); do
      timing=$scratch/time_duckdb_$size.txt
      result=$(/usr/bin/time -f '%e %M %U %S' -o "$timing" node "$duck_dir/duckdb_reference.mjs" "$file" 2)
      read -r wall rss user sys < <(tail -n 1 "$timing")
      cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')")
      query=$(node -e "console.log(JSON.parse(process.argv[1]).seconds)" "$result")
      walls+=("$wall"); rsss+=("$rss"); queries+=("$query")
      log "duckdb $size rows: run $rep/$reps: query ${query}s, process ${wall}s, $((rss / 1024)) MB: $result"
    done
    med_wall=$(printf '%s\n' "${walls[@]}" | median)
    med_query=$(printf '%s\n' "${queries[@]}" | median)
    med_rss=$(printf '%s\n' "${rsss[@]}" | median)
    med_cpu=$(printf '%s\n' "${cpus[@]}" | median)
    duck_lines+=("$(awk -v rows="${size_rows[$size]}" -v size="$size" -v q="$med_query" -v wall="$med_wall" \
        -v rss="$med_rss" -v cpu="$med_cpu" -v ver="$duckdb_version" -v ours="${botrecon_j2_wall[$size]}" 'BEGIN {
      printf "| %s | DuckDB %s, 2 threads | %.2f | %.2f | %.0f | %.0fk | %.1fx | %.2f |", toupper(size), ver, q, wall, rss / 1024, rows / q / 1000, ours / q, cpu
    }')")
  done
fi

# --- report -----------------------------------------------------------------
cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
echo
echo "botrecon $("$botrecon" --version 2>/dev/null | awk '{ print $NF }'), $(nproc) cores ($cpu), load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "median of $reps runs; wall s, peak RSS (MiB) and cpu s (user + sys) from /usr/bin/time; input page-cached;"
echo "x original = rows/s / 95k rows/s (baseline.md: the Python original, 5M rows, rforest, -j 2)"
echo
echo "| rows | model | jobs | batchify | wall s | peak RSS MB | rows/s | x original | cpu s |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows_table[@]}"
if [[ ${#duck_lines[@]} -gt 0 ]]; then
  echo
  echo "Near-limit reference in the same run: SELECT count(*), count(DISTINCT SrcAddr), sum(TotBytes) FROM read_csv(FILE)."
  echo "query s excludes node start-up; rows/s from query s; last column = botrecon -j 2 wall s / DuckDB query s."
  echo
  echo "| rows | engine | query s | process wall s | peak RSS MB | rows/s | botrecon / DuckDB | process cpu s |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${duck_lines[@]}"
fi
if [[ $check_failed == 1 ]]; then
  echo
  echo "WARNING: outputs differ between configurations of the same size (see the log above)."
fi
