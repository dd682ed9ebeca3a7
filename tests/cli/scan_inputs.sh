# Inputs as users have them, and a summary that never lets a miss look like
# "all clear": directories and many inputs, empty inputs, --exit-code,
# -b 5%, -s --jsonl, the summary line and record, progress on stdin, help, -V.
source "$(dirname "$0")/lib.sh"
TEST=$DATA/original-tests/test.csv

# --- Many inputs and directories: the same result as the concatenation.
head -1 "$TEST" > "$TMP/cat.csv"
tail -n +2 "$TEST" >> "$TMP/cat.csv"
tail -n +2 "$TEST" >> "$TMP/cat.csv"
run -y --threshold -1 -o "$TMP/cat.out" "$TMP/cat.csv"
expect_rc 0 "concatenation"
# Mixed formats: the csv and the parquet copy of the same flows.
run -y --threshold -1 -o "$TMP/mixed.out" "$TEST" "$DATA/original-tests/test.parquet"
expect_rc 0 "csv + parquet"
expect_same_file "$TMP/mixed.out" "$TMP/cat.out" "two inputs of two formats = their concatenation"

mkdir -p "$TMP/day/sub" "$TMP/day/.hidden"
head -2501 "$TEST" > "$TMP/day/00.csv"
{ head -1 "$TEST"; tail -n +2502 "$TEST"; } | gzip > "$TMP/day/sub/01.csv.gz"
cp "$DATA/original-tests/test.parquet" "$TMP/day/02.parquet"
cp "$TEST" "$TMP/day/.hidden/x.csv"
cp "$TEST" "$TMP/day/.old.csv"
echo "notes" > "$TMP/day/README.md"
cp "$FIXTURES/columns/zeek_dns.log" "$TMP/day/dns.log"
gzip -c "$FIXTURES/columns/zeek_dns_json.log" > "$TMP/day/dns.01:00:00-02:00:00.log.gz"
run -v -y --threshold -1 -o "$TMP/day.out" "$TMP/day"
expect_rc 0 "a directory as input"
expect_same_file "$TMP/day.out" "$TMP/cat.out" "a directory (csv, gzip csv in a subfolder, parquet) = the concatenation"
expect_contains "$ERR" "README.md: not a flow file" "-v: a non-flow file is skipped with a line"
expect_contains "$ERR" "dns.log: a Zeek dns log" "-v: a Zeek log other than conn.log is skipped"
expect_contains "$ERR" "dns.01:00:00-02:00:00.log.gz: a Zeek log other than conn.log" "-v: also a rotated, compressed JSON Zeek log"
expect_contains "$ERR" ".old.csv: hidden file" "-v: hidden files are skipped"
expect_eq "$(echo "$ERR" | grep -c '.hidden/x.csv')" "0" "hidden folders are not entered"
expect_contains "$ERR" "Summary: 3 files, 10,000 rows read" "the summary counts the files of the directory"
# The output inside the scanned directory (a previous result) is not read.
run -y --threshold -1 -o "$TMP/day/result.csv" "$TMP/day"
run -y --threshold -1 -o "$TMP/day/result.csv" "$TMP/day"
expect_rc 0 "output file inside the scanned directory"
expect_same_file "$TMP/day/result.csv" "$TMP/cat.out" "the previous result in the directory is not an input"
# A real Zeek log folder: conn.log read, http/smtp/tunnel logs skipped.
Z14=$DATA/flows/slips/test14-malicious-zeek-dir
run -y --threshold -1 -o "$TMP/z14-dir.out" "$Z14"
expect_rc 0 "a Zeek log folder"
run -y --threshold -1 -o "$TMP/z14-conn.out" "$Z14/conn.log"
expect_same_file "$TMP/z14-dir.out" "$TMP/z14-conn.out" "a Zeek log folder = its conn.log"
mkdir "$TMP/empty"
run -y "$TMP/empty"
expect_rc 2 "an empty directory"
expect_contains "$ERR" "no flow files in this directory" "empty directory message"
expect_eq "$(echo "$ERR" | wc -l)" "1" "empty directory: one line"

# --- Empty inputs: a warning, exit 0; the other inputs still count.
head -1 "$TEST" > "$TMP/header-only.csv"
run -y "$TMP/header-only.csv"
expect_rc 0 "header-only file"
expect_contains "$ERR" "Warning: $TMP/header-only.csv: no flows" "header-only file: no flows warning"
expect_contains "$ERR" "Summary: 1 file, 0 rows read, 0 hosts scored, 0 reported" "header-only summary"
: > "$TMP/empty.csv"
run -y "$TMP/empty.csv"
expect_rc 0 "empty file"
expect_contains "$ERR" "Warning: $TMP/empty.csv: no flows" "empty file: no flows warning"
run -y --threshold -1 -o "$TMP/two.out" "$TEST" "$TMP/header-only.csv"
expect_rc 0 "a capture and an empty file"
expect_contains "$ERR" "header-only.csv: no flows" "the empty one is named"
expect_eq "$(wc -l < "$TMP/two.out")" "1740" "the other one is scanned"

# --- A large share of bad rows skipped is called out (ra without -n prints port names).
run -y --skip-bad-rows "$FIXTURES/columns/ra_service_names.csv"
expect_rc 0 "--skip-bad-rows on service-name ports"
expect_contains "$ERR" "could not be parsed: the results leave them out — check the export; the first:" \
  "a large share of skipped rows is called out"
expect_contains "$ERR" "is a service name" "and the first skipped row says why"

# --- The summary: how close the top host came when nothing is reported.
run --detect model --threshold 1.5 "$TEST"
expect_rc 0 "nothing reported"
expect_contains "$OUT" "No hosts were found to be infected." "no-hosts message on stdout"
expect_contains "$ERR" "1,739 hosts scored, 0 reported; top score 1 (threshold 1.5): 147.32.84.208, 1 flow" \
  "the summary names the top host and its score"
run -c 20 --detect model --threshold 1.5 "$TEST"
expect_contains "$ERR" "top score 0.3759 (threshold 1.5): 147.32.84.165, 49 flows" "the top host honours -c"

# --- --exit-code: 1 when hosts are reported, 0 when none, 2 on error.
run -y --exit-code "$TEST"
expect_rc 1 "--exit-code with infected hosts"
run -y --exit-code --detect model --threshold 1.5 "$TEST"
expect_rc 0 "--exit-code without hosts"
run -y --exit-code "$TMP/nonexistent.csv"
expect_rc 2 "--exit-code on an error"
run -y "$TEST"
expect_rc 0 "without --exit-code, hosts found still exit 0"

# --- -s never silences data: -s --jsonl prints the JSON Lines.
run -s --jsonl "$TEST"
expect_rc 0 "-s --jsonl"
expect_eq "$ERR" "" "-s --jsonl: nothing on stderr"
expect_eq "$(echo "$OUT" | wc -l)" "9" "-s --jsonl: 8 hosts and the summary record"
expect_eq "$(echo "$OUT" | tail -1 | python3 -c 'import json, sys; t = json.load(sys.stdin)["summary"]["top_host"]; print(t["host"], t["flow_count"])')" \
  "147.32.84.208 1" "the summary record names the top host"
# A JSONL result with no host (only the summary) may be replaced as a result.
run -s --jsonl --detect model --threshold 1.5 "$TEST" "$TMP/none.jsonl"
run -s --jsonl "$TEST" "$TMP/none.jsonl"
expect_rc 0 "replacing a JSONL result that holds only a summary"

# --- -b: "5%", "-b5%", "--batchify=5%", "10batches" in one token.
run -y --threshold -1 -o "$TMP/ref.out" "$TEST"
for form in "-b 5%" "-b5%" "--batchify=5%" "-b 10batches" "-b 5 %" "-b 2.5percent"; do
  # shellcheck disable=SC2086
  run -y --threshold -1 $form -o "$TMP/b.out" "$TEST"
  expect_rc 0 "batchify as '$form'"
  expect_same_file "$TMP/b.out" "$TMP/ref.out" "batchify as '$form' gives the same result"
done
run -y -b 5 "$TEST"
expect_rc 2 "-b 5 without a type"

# --- Progress on a terminal for stdin: bytes read and rate.
if command -v script > /dev/null; then
  PROG=$(script -qec "$(printf '%q ' sh -c 'cat "$1" | "$0" -y -b 5% -' "$BOTRECON" "$TEST")" /dev/null | tr '\r' '\n')
  expect_contains "$PROG" "Reading  " "stdin on a terminal: a progress line"
  echo "$PROG" | grep -Eq 'Reading  [0-9.]+ [KM]?B  ([0-9.]+ [KMG]?B/s|-)  [0-9]+ rows' && pass || fail "progress line shape: $PROG"
  echo "$PROG" | grep -Eq 'Reading .* 5000 rows' && pass || fail "the last progress line counts every row"
fi

# --- Help and version.
run --help
expect_rc 0 "--help"
expect_eq "$(echo "$OUT" | grep -c '^Usage:')" "1" "one Usage block"
expect_eq "$(echo "$OUT" | grep -c 'TEXT REQUIRED')" "0" "no CLI11 positional line"
expect_contains "$OUT" "Examples:" "help has examples"
expect_contains "$OUT" "--exit-code" "help lists --exit-code"
run -V
expect_rc 0 "-V"
expect_contains "$OUT" "build, " "-V names the build"
for m in rforest svm rforest-experimental; do expect_contains "$OUT" "  $m: " "-V lists $m"; done
# The README documents every option of every command.
README=$FIXTURES/../../README.md
for cmd in "" train evaluate explain; do
  # shellcheck disable=SC2086
  for opt in $("$BOTRECON" $cmd --help | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u); do
    grep -qF -- "$opt" "$README" && pass || fail "README does not mention ${cmd:-scan}'s $opt"
  done
done
finish
