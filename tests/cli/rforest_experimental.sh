# The built-in rforest-experimental model (feature set 2) and `train --features`
# / per-file labels. Claims checked here are those of models/rforest-experimental.md.
source "$(dirname "$0")/lib.sh"
TEST=$DATA/original-tests/test.csv

run -s -y -m rforest-experimental "$TEST" "$TMP/exp.csv"
expect_rc 0 "-m rforest-experimental on test.csv"
# The model card: 9 of the 10 infected hosts (.191-.193, .204-.209) reach 0.5.
for host in 147.32.84.191 147.32.84.192 147.32.84.193 147.32.84.204 147.32.84.205 147.32.84.206 147.32.84.207 \
    147.32.84.208 147.32.84.209; do
  case " $(hosts_of "$TMP/exp.csv") " in *" $host "*) pass ;; *) fail "rforest-experimental flags $host" ;; esac
done
# ... and 7 other hosts (each with a single flow).
expect_eq "$(hosts_of "$TMP/exp.csv" | wc -w)" "16" "16 hosts flagged in test.csv"
expect_eq "$(awk -F, 'NR > 1 && $2 !~ /^147\.32\.84\./ && $4 != 1' "$TMP/exp.csv" | wc -l)" "0" \
  "the other flagged hosts have one flow each"
run -s -y -m RFOREST-EXPERIMENTAL "$TEST" "$TMP/exp2.csv"
expect_same_file "$TMP/exp.csv" "$TMP/exp2.csv" "model names are case insensitive"

# train --features generalised writes feature set 2; per-file labels.
run train -s --trees 3 --features generalised -o "$TMP/g.brm" "$DATA/ctu13/scenario5-virut-head.binetflow#label=0" \
  "$DATA/ctu13/scenario11-rbot.binetflow"
expect_rc 0 "train --features generalised with a per-file label"
expect_eq "$(od -An -tu4 -j35 -N4 "$TMP/g.brm" | tr -d ' ')" "2" "feature set id 2 in the model file"
run -s -y -M "$TMP/g.brm" --threshold -1 "$TEST" "$TMP/g.csv"
expect_rc 0 "-M with a generalised model"
run train -s --trees 3 --features fancy -o "$TMP/x.brm" "$DATA/ctu13/scenario5-virut-head.binetflow"
expect_rc 2 "unknown --features"
expect_contains "$ERR" "expected original or generalised" "--features error names the choices"
run train -s --model-type svm --features generalised -o "$TMP/x.brm" "$DATA/ctu13/scenario5-virut-head.binetflow"
expect_rc 2 "svm refuses --features generalised"
run train -s --trees 3 -o "$TMP/x.brm" "$DATA/ctu13/scenario5-virut-head.binetflow#label=2"
expect_rc 2 "bad per-file label"
# #label=1 and a window together: the whole file is botnet.
run train --trees 3 -o "$TMP/w.brm" "$DATA/ctu13/scenario5-virut-head.binetflow#label=1@:1000" \
  "$DATA/ctu13/scenario11-rbot.binetflow@:1"
expect_rc 0 "per-file label with a time window"
expect_contains "$ERR" "scenario5-virut-head.binetflow: 531 rows so far" "label+window file is read whole"
# Labels by source host: FILE#infected=A,B and --infected (filter.csv: 20 rows,
# one each from .191-.193 and .204-.209 among others).
F=$DATA/original-tests/filter.csv
run train --trees 3 -o "$TMP/i.brm" "$F#infected=147.32.84.208,147.32.84.209"
expect_rc 0 "per-file #infected= with two addresses"
expect_contains "$ERR" "20 rows so far, $(grep -c -E ',147\.32\.84\.20[89]$' "$F") botnet" "#infected= labels those hosts' rows"
run train --trees 3 -o "$TMP/i.brm" --infected 147.32.84.0/24 "$F"
expect_rc 0 "--infected with a network"
expect_contains "$ERR" "20 rows so far, $(grep -c ',147\.32\.84\.[0-9]*$' "$F") botnet" "--infected labels the network's rows"
run train --trees 3 -o "$TMP/i.brm" "$F#infected=147.32.84.x"
expect_rc 2 "bad #infected= address"
expect_contains "$ERR" "for #infected=: '147.32.84.x'" "the error names the bad entry"
run train --trees 3 -o "$TMP/i.brm" "$F#infected="
expect_rc 2 "empty #infected="
run train --trees 3 -o "$TMP/i.brm" --label 1 --infected 147.32.84.208 "$F"
expect_rc 2 "--label and --infected together"
finish
