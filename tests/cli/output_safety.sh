# The output rules (README "Output files"): no file the user did not name as
# output is written, inputs are never overwritten, a failed or interrupted run
# keeps the old file.
source "$(dirname "$0")/lib.sh"
TEST_CSV=$DATA/original-tests/test.csv
S5=$DATA/ctu13/scenario5-virut-head.binetflow

# A second capture given as the original's OUTPUT_FILE is not overwritten.
cp "$S5" "$TMP/day2.binetflow"
run "$TEST_CSV" "$TMP/day2.binetflow"
expect_rc 2 "second capture as OUTPUT_FILE"
expect_contains "$ERR" "OUTPUT_FILE $TMP/day2.binetflow exists and holds flows, not a botrecon result; to scan both files use -o OUT" "refusal message"
expect_same_file "$TMP/day2.binetflow" "$S5" "second capture intact"
expect_eq "$OUT" "" "nothing printed before the refusal"

# --force replaces it; a previous result is replaced without --force.
run --force "$TEST_CSV" "$TMP/day2.binetflow"
expect_rc 0 "--force"
expect_eq "$(head -1 "$TMP/day2.binetflow" | cut -d, -f1-4)" ",Host,Mean Score,Flow Count" "--force wrote the result"
run -c 5 "$TEST_CSV" "$TMP/day2.binetflow"
expect_rc 0 "previous result replaced"

# -o: every positional is an input; two halves give the whole file's answer.
head -2501 "$TEST_CSV" > "$TMP/a.csv"
(head -1 "$TEST_CSV"; tail -n +2502 "$TEST_CSV") > "$TMP/b.csv"
run --threshold -1 "$TEST_CSV" "$TMP/whole.csv"
expect_rc 0 "whole"
run --threshold -1 -o "$TMP/halves.csv" "$TMP/a.csv" "$TMP/b.csv"
expect_rc 0 "-o with two inputs"
expect_same_file "$TMP/halves.csv" "$TMP/whole.csv" "two inputs = their concatenation"
cp "$TMP/a.csv" "$TMP/a.keep"
run --threshold -1 "$TMP/a.csv" "$TMP/b.csv" "$TMP/a.csv"
expect_rc 0 "three positionals: all inputs"
expect_same_file "$TMP/a.csv" "$TMP/a.keep" "three positionals write nothing"

# The input is never the output: same path, symlink, hard link, even with --force.
cp "$TEST_CSV" "$TMP/x.csv"
ln -s x.csv "$TMP/x-link.csv"
ln "$TMP/x.csv" "$TMP/x-hard.csv"
for out in x.csv x-link.csv x-hard.csv; do
  run --force "$TMP/x.csv" "$TMP/$out"
  expect_rc 2 "input == output ($out)"
  expect_contains "$ERR" "is the input file" "input == output message ($out)"
  run -o "$TMP/$out" "$TMP/x.csv"
  expect_rc 2 "-o input == output ($out)"
done
expect_same_file "$TMP/x.csv" "$TEST_CSV" "input intact"

# A symlink stays a link; the mode of an existing file is kept.
printf ',Host,Mean Score,Flow Count\n' > "$TMP/real.csv"
chmod 600 "$TMP/real.csv"
ln -s real.csv "$TMP/out-link.csv"
run "$TEST_CSV" "$TMP/out-link.csv"
expect_rc 0 "write through a symlink"
[ -L "$TMP/out-link.csv" ] && pass || fail "symlink replaced by a file"
expect_eq "$(stat -c %a "$TMP/real.csv")" "600" "mode kept"
expect_eq "$(head -1 "$TMP/real.csv" | cut -d, -f1-4)" ",Host,Mean Score,Flow Count" "link target written"

# "-" is stdout; a FIFO is written, not replaced.
run -c 5 "$TEST_CSV" -
expect_rc 0 "- as output"
expect_contains "$OUT" ",Host,Mean Score,Flow Count" "- writes the CSV to stdout"
[ -e ./- ] && fail "a file named - was created" || pass
mkfifo "$TMP/fifo"
cat "$TMP/fifo" > "$TMP/from-fifo" &
run -c 5 "$TEST_CSV" "$TMP/fifo"
wait
expect_rc 0 "FIFO output"
[ -p "$TMP/fifo" ] && pass || fail "FIFO replaced"
expect_contains "$(cat "$TMP/from-fifo")" ",Host,Mean Score,Flow Count" "result through the FIFO"

# Write errors: exit 2 and one line; /dev/full stays a device.
run "$TEST_CSV" /dev/full
expect_rc 2 "/dev/full"
expect_eq "$(echo "$ERR" | wc -l)" "1" "/dev/full: one line"
[ -c /dev/full ] && pass || fail "/dev/full is no longer a character device"
timeout 60 "$BOTRECON" -y "$TEST_CSV" > /dev/full 2> "$TMP/err"
RC=$?
expect_rc 2 "table to a full stdout"
timeout 60 "$BOTRECON" --jsonl "$TEST_CSV" > /dev/full 2> "$TMP/err"
RC=$?
expect_rc 2 "--jsonl to a full stdout"

# A missing folder is reported before reading (stdin never ends here).
start=$(date +%s)
timeout 60 "$BOTRECON" - "$TMP/no/such/out.csv" < <(sleep 20) > /dev/null 2> "$TMP/err"
echo $? > "$TMP/rc"
expect_eq "$(cat "$TMP/rc")" "2" "missing folder"
[ $(( $(date +%s) - start )) -lt 15 ] && pass || fail "missing folder reported only after reading"
expect_contains "$(cat "$TMP/err")" "does not exist" "missing folder message"

# SIGINT during the scan leaves the old file intact and no temporary file.
printf ',Host,Mean Score,Flow Count\n0,1.2.3.4,0.9,20\n' > "$TMP/keep.csv"
cp "$TMP/keep.csv" "$TMP/keep.orig"
mkfifo "$TMP/slow"
(head -100 "$TEST_CSV"; sleep 30) > "$TMP/slow" &
feeder=$!
# (a background job of a script ignores SIGINT unless given its default back)
env --default-signal=INT "$BOTRECON" "$TMP/slow" "$TMP/keep.csv" > /dev/null 2>&1 &
pid=$!
sleep 1
kill -INT $pid
wait $pid
RC=$?
kill $feeder 2> /dev/null
[ "$RC" -ne 0 ] && pass || fail "SIGINT: exit 0"
expect_same_file "$TMP/keep.csv" "$TMP/keep.orig" "SIGINT keeps the old file"
expect_eq "$(ls -A "$TMP" | grep -c botrecon-)" "0" "no temporary file left"

finish
