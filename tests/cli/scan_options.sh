# The original test suite's cases, re-expressed: silent mode, jobs, batchify,
# output format, version and help.
source "$(dirname "$0")/lib.sh"
TEST=$DATA/original-tests/test.csv

# Output file format and a reference run.
run -s -y "$TEST" "$TMP/ref.csv"
expect_rc 0 "plain run"
expect_eq "$(head -1 "$TMP/ref.csv" | cut -d, -f1-4)" ",Host,Mean Score,Flow Count" "output CSV header: the original four columns first"
# Every data line: index,host,float,integer with a 0-based running index.
awk -F, 'NR > 1 && !($1 == NR - 2 && $3 ~ /^-?[0-9.e+-]+$/ && $4 ~ /^[0-9]+$/) { bad = 1 } END { exit bad }' "$TMP/ref.csv" \
  && pass || fail "output CSV rows are index,host,score,count"

# Silent mode prints nothing at all.
run -s "$TEST"
expect_rc 0 "silent run"
expect_eq "$OUT$ERR" "" "silent mode prints nothing"

# Start line (stderr, on a terminal only) and table or 'no hosts' message
# without an output file; the summary line on stderr.
run "$TEST"
expect_rc 0 "console run"
expect_eq "$(echo "$OUT" | head -1 | sed "s/^ *//")" "Host  Mean Score  Flow Count  Evidence" "stdout holds only the table"
expect_eq "$(echo "$ERR" | grep -c 'BotRecon starting')" "0" "no start line when stderr is not a terminal"
expect_eq "$(echo "$ERR" | grep -c '^Summary: 1 file, 5,000 rows read, 1,739 hosts scored, ')" "1" "summary line on stderr"
TTY_OUT=$(script -qec "$(printf '%q ' "$BOTRECON" -y "$TEST")" /dev/null | tr -d '\r')
echo "$TTY_OUT" | head -1 | grep -Eq '^\[[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}\] BotRecon starting$' \
  && pass || fail "start line format on a terminal: $(echo "$TTY_OUT" | head -1)"
case "$OUT" in
  *"Host  Mean Score  Flow Count"* | *"No hosts were found to be infected."*) pass ;;
  *) fail "table or no-hosts message: $OUT" ;;
esac

# All hosts (threshold below every score) so that comparisons are not vacuous.
run -s -y --threshold -1 "$TEST" "$TMP/all.csv"
expect_rc 0 "threshold -1"
expect_eq "$(($(wc -l < "$TMP/all.csv") - 1))" "1739" "every host of test.csv evaluated"

# Jobs.
run -j 0 "$TEST"
expect_rc 2 "-j 0"
expect_contains "$ERR" "Error: Invalid value for '-j' / '--jobs'" "-j 0 message"
for j in -20 1 8; do
  run -s -y -j "$j" --threshold -1 "$TEST" "$TMP/j$j.csv"
  expect_rc 0 "-j $j"
  expect_same_file "$TMP/all.csv" "$TMP/j$j.csv" "-j $j gives the same result"
done

# Batchify: same hosts and scores as no batching.
i=0
for b in "10 %" "6 %" "10 batches" "10.5 batches" "1 percent"; do
  i=$((i + 1))
  # shellcheck disable=SC2086
  run -s -y --threshold -1 -b $b "$TEST" "$TMP/b$i.csv"
  expect_rc 0 "-b $b"
  expect_same_file "$TMP/all.csv" "$TMP/b$i.csv" "-b $b gives the same result"
done
for b in "101 %" "-2 %" "0 %" "100 %" "10000 batches" "-10 batches" "0 batches" "10 parts" "x %"; do
  # shellcheck disable=SC2086
  run -y -b $b "$TEST" "$TMP/bad.csv"
  expect_rc 2 "-b $b is rejected"
  expect_contains "$ERR" "Error: Invalid value for '-b' / '--batchify'" "-b $b message"
done
[ ! -e "$TMP/bad.csv" ] && pass || fail "no output file after a rejected -b"
# Debug prints a line per batch.
run -d -y -b 25 % "$TEST" "$TMP/d.csv"
expect_rc 0 "-d -b 25 %"
expect_eq "$(echo "$ERR" | grep -c '^Batch [0-9]/4 done')" "4" "-d prints a line per batch"

# Model choice.
run -s -m RFOREST "$TEST"
expect_rc 0 "-m is case insensitive"
run -m nosuch "$TEST"
expect_rc 2 "unknown -m"
expect_contains "$ERR" "'nosuch' is not one of" "unknown -m message"

# Version, help, usage errors.
run -V
expect_rc 0 "-V"
expect_contains "$OUT" "botrecon, version" "-V output"
run --help
expect_rc 0 "--help"
for opt in -M --custom-model -m --model -j --jobs -c --min-count -b --batchify -v --verbose -s --silent -d --debug \
           -i --ignore-invalid --ignore-invalid-addresses -r --range --ip -y --yes --confirm -t --type -V --version -h --help; do
  expect_contains "$OUT" "$opt" "help lists $opt"
done
run
expect_rc 2 "no arguments"
expect_contains "$ERR" "Error: Missing argument 'INPUT_FILE'." "missing input message"
run "$TMP/does-not-exist.csv"
expect_rc 2 "missing input file"
expect_contains "$ERR" "Error: Invalid value for 'INPUT_FILE': Path '$TMP/does-not-exist.csv' does not exist." "missing file message"
run --no-such-option "$TEST"
expect_rc 2 "unknown option"

# Verbose messages go to stderr, one per stage.
run -v -y "$TEST" "$TMP/v.csv"
expect_rc 0 "-v"
expect_contains "$ERR" "Columns: srcaddr='SrcAddr'" "-v names the columns"
expect_contains "$ERR" "Read 5000 rows" "-v counts rows"

# JSON Lines for SIEM pipelines: one object per host, same hosts as the CSV.
run -y --jsonl --threshold -1 "$TEST"
expect_rc 0 "--jsonl"
expect_eq "$(echo "$OUT" | wc -l)" "1740" "--jsonl: one line per host and a summary record"
expect_eq "$(echo "$OUT" | tail -1 | python3 -c 'import json, sys; s = json.load(sys.stdin)["summary"]; print(s["files"], s["rows_read"], s["hosts_scored"], s["hosts_reported"])')" \
  "1 5000 1739 1739" "--jsonl: the summary record counts files, rows, hosts scored and reported"
OUT=$(echo "$OUT" | head -n -1)
echo "$OUT" | python3 -c 'import json, sys; [json.loads(l) for l in sys.stdin]' && pass || fail "--jsonl lines are JSON"
expect_eq "$(echo "$OUT" | python3 -c 'import json, sys; [print(json.loads(l)["host"]) for l in sys.stdin]' | sort | tr '\n' ' ' | sed 's/ $//' | md5sum)" \
  "$(hosts_of "$TMP/all.csv" | md5sum)" "--jsonl lists the same hosts as the CSV"
run -s -y --jsonl "$TEST" "$TMP/out.jsonl"
expect_rc 0 "--jsonl to a file"
[ -e "$TMP/out.jsonl" ] && pass || fail "--jsonl file written"

# Output file: atomic, errors are clean.
run -s "$TEST" "$TMP/no/such/dir/out.csv"
expect_rc 2 "unwritable output"
expect_contains "$ERR" "Error: cannot write the output file '$TMP/no/such/dir/out.csv': folder '$TMP/no/such/dir' does not exist" "unwritable output message"
[ -z "$(ls -A "$TMP" | grep botrecon-)" ] && pass || fail "temporary file left behind"

finish
