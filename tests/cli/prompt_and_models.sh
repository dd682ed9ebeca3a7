# The >50-hosts question, custom model files (-M) and `botrecon train`.
source "$(dirname "$0")/lib.sh"
TEST=$DATA/original-tests/test.csv

# More than 50 hosts without a terminal: no question, no hang; all printed.
run --detect model --threshold -1 "$TEST"
expect_rc 0 "many hosts without a terminal"
expect_eq "$(echo "$OUT" | grep -cE '^[0-9]+ +[0-9a-f.:]+ +-?[0-9.]+ +[0-9]+$')" "1739" "all 1739 hosts printed"
# On a terminal (script(1) gives one): the question; "n" asks for a path.
if command -v script > /dev/null; then
  printf 'n\n%s\n' "$TMP/answer.csv" | timeout 60 script -qec "$BOTRECON --threshold -1 $TEST" /dev/null > "$TMP/tty.out" 2>&1
  expect_contains "$(cat "$TMP/tty.out")" "1739 infected hosts were found. Do you want to print them all? [y/N]" "question on a terminal"
  expect_eq "$(($(wc -l < "$TMP/answer.csv") - 1))" "1739" "answer 'n' writes the given file"
  printf 'y\n' | timeout 60 script -qec "$BOTRECON -y --threshold -1 $TEST" /dev/null > "$TMP/tty2.out" 2>&1
  case "$(cat "$TMP/tty2.out")" in *"Do you want"*) fail "-y still asks" ;; *) pass ;; esac
  # -b on a terminal draws a progress bar on stderr, ending at the last batch.
  timeout 60 script -qec "$BOTRECON -y -b 25 % $TEST $TMP/bar.csv" /dev/null > "$TMP/bar.out" 2>&1
  expect_contains "$(tr '\r' '\n' < "$TMP/bar.out")" "4/4 batches" "progress bar on a terminal"
  run -s -y "$TEST" "$TMP/nobar.csv"
  expect_same_file "$TMP/nobar.csv" "$TMP/bar.csv" "the progress bar run gives the same result"
else
  fail "script(1) is missing (util-linux)"
fi

# Train a small model, use it with -M: the model file format round trip end to end.
run train -s --trees 5 --seed 3 -o "$TMP/small.brm" "$DATA/ctu13/scenario5-virut-head.binetflow" "$DATA/ctu13/scenario11-rbot.binetflow"
expect_rc 0 "train"
run train -s --trees 5 --seed 3 -j 1 -o "$TMP/small1.brm" "$DATA/ctu13/scenario5-virut-head.binetflow" "$DATA/ctu13/scenario11-rbot.binetflow"
expect_same_file "$TMP/small.brm" "$TMP/small1.brm" "training is deterministic across thread counts"
run -s -y -M "$TMP/small.brm" --threshold -1 "$TEST" "$TMP/m.csv"
expect_rc 0 "-M with a trained model"
expect_eq "$(($(wc -l < "$TMP/m.csv") - 1))" "1739" "-M scores every host"
run -M "$TMP/missing.brm" "$TEST"
expect_rc 2 "-M missing file"
head -c 100 "$TMP/small.brm" > "$TMP/trunc.brm"
run -M "$TMP/trunc.brm" "$TEST"
expect_rc 2 "-M truncated model"
expect_contains "$ERR" "Error: $TMP/trunc.brm: offset" "truncated model message"
printf 'import os\nos.system("touch %s/pwned")\n' "$TMP" > "$TMP/evil.brm"
run -M "$TMP/evil.brm" "$TEST"
expect_rc 2 "-M not a model"
[ ! -e "$TMP/pwned" ] && pass || fail "model file executed"
run train -o "$TMP/x.brm" "$TEST"
expect_rc 2 "train without labels"
expect_contains "$ERR" "no label column" "train without labels message"

# Built-in rforest flags the scenario 6 bot in the held-out last 30 minutes.
awk -F, 'NR == 1 || $1 >= "2011/08/16 11:11:46.972101"' "$DATA/ctu13/scenario6-menti-first100min.binetflow" > "$TMP/s6last30.csv"
run -s -y -c 20 --detect model "$TMP/s6last30.csv" "$TMP/s6.csv"
expect_rc 0 "scenario 6 last 30 minutes"
expect_eq "$(hosts_of "$TMP/s6.csv")" "147.32.84.165" "rforest flags exactly the bot among hosts with >= 20 flows"

finish
