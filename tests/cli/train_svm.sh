# `botrecon train --model-type svm` end to end: determinism, option checks, and
# a small svm that finds the scenario 6 bot in the held-out last 30 minutes.
source "$(dirname "$0")/lib.sh"
S6=$DATA/ctu13/scenario6-menti-first100min.binetflow

run train -s --model-type svm --components 60 --max-train-rows 30000 --seed 2 -o "$TMP/a.brm" "$S6@:70"
expect_rc 0 "train svm"
run train -s --model-type svm --components 60 --max-train-rows 30000 --seed 2 -o "$TMP/b.brm" "$S6@:70"
expect_same_file "$TMP/a.brm" "$TMP/b.brm" "svm training is deterministic for a seed"

awk -F, 'NR == 1 || $1 >= "2011/08/16 11:11:46.972101"' "$S6" > "$TMP/s6last30.csv"
run -s -y -c 20 --detect model -M "$TMP/a.brm" "$TMP/s6last30.csv" "$TMP/s6.csv"
expect_rc 0 "scan with an svm model"
expect_eq "$(hosts_of "$TMP/s6.csv")" "147.32.84.165" "svm flags exactly the bot among hosts with >= 20 flows"
run -s -y -M "$TMP/a.brm" --threshold -1000 "$DATA/original-tests/test.csv" "$TMP/all.csv"
expect_eq "$(($(wc -l < "$TMP/all.csv") - 1))" "1739" "-M svm scores every host"
[ "$(tail -n +2 "$TMP/all.csv" | cut -d, -f3 | grep -c '^-')" -gt 1000 ] && pass || fail "svm scores are decision values"

run train --model-type svm --trees 5 -o "$TMP/x.brm" "$S6"
expect_rc 2 "--trees with svm"
expect_contains "$ERR" "Error: train: --trees applies to --model-type rforest only" "--trees with svm message"
run train --components 5 -o "$TMP/x.brm" "$S6"
expect_rc 2 "--components with rforest"
expect_contains "$ERR" "--components applies to --model-type svm only" "--components with rforest message"
run train --model-type svm --log1p dport,bogus -o "$TMP/x.brm" "$S6"
expect_rc 2 "--log1p with an unknown input"
expect_contains "$ERR" "--log1p: unknown input 'bogus'" "--log1p message"
run train --model-type svm --label 0 -o "$TMP/x.brm" "$DATA/ctu13/scenario5-virut-head.binetflow"
expect_rc 2 "svm with one class"
expect_contains "$ERR" "an SVM needs both classes" "one class message"
[ ! -e "$TMP/x.brm" ] && pass || fail "a failed training wrote a model file"

finish
