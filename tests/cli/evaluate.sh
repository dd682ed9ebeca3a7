# `botrecon evaluate`: table, JSON, host truth from --infected or labels, errors.
source "$(dirname "$0")/lib.sh"
S6="$DATA/ctu13/scenario6-menti-first100min.binetflow"
TEST=$DATA/original-tests/test.csv

json_ok() { python3 -c 'import json,sys; json.load(sys.stdin)' 2> /dev/null; }
# json_get EXPR: prints EXPR evaluated on the JSON document on stdin as d.
json_get() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# The held-out last 30 minutes of scenario 6: the bot is found, nothing else.
run evaluate --infected 147.32.84.165 --fp-min-flows 20 "$S6@70:"
expect_rc 0 "evaluate scenario 6, last 30 minutes"
FOUND=$(echo "$OUT" | awk '/^Infected hosts found:/ {on = 1; next} /^[A-Z]/ {on = 0} on')
expect_contains "$FOUND" "147.32.84.165" "the bot is listed as found"
expect_contains "$OUT" "Flows:      115661 (1140 botnet" "flow count of the window"
expect_contains "$OUT" "Infected found   1 of 1" "host summary"
expect_contains "$OUT" "Infected hosts missed: none" "nothing missed"
expect_contains "$OUT" "False-positive hosts with >= 20 flows: none" "no false positive"
expect_contains "$OUT" "PR-AUC" "PR-AUC in the table"
[ -z "$ERR" ] && pass || fail "stderr not empty: $ERR"

run evaluate --json --infected 147.32.84.165 --fp-min-flows 20 -j 1 "$S6@70:"
expect_rc 0 "evaluate --json"
echo "$OUT" > "$TMP/s6.json"
json_ok < "$TMP/s6.json" && pass || fail "JSON does not parse: $(head -c 300 "$TMP/s6.json")"
expect_eq "$(json_get 'type(d["flow_metrics"]["pr_auc"]).__name__' < "$TMP/s6.json")" "float" "flow-level PR-AUC is a number"
expect_eq "$(json_get 'type(d["flow_metrics"]["roc_auc"]).__name__' < "$TMP/s6.json")" "float" "flow-level ROC-AUC is a number"
expect_eq "$(json_get '[h["host"] for h in d["host_metrics"]["found_hosts"]]' < "$TMP/s6.json")" "['147.32.84.165']" "JSON found hosts"
expect_eq "$(json_get 'd["host_metrics"]["false_positives"], d["host_metrics"]["fp_min_flows"]' < "$TMP/s6.json")" "0 20" "JSON false positives"
expect_eq "$(json_get 'sum(d["flow_metrics"]["confusion_matrix"].values()) == d["flows"]["total"]' < "$TMP/s6.json")" "True" "confusion matrix adds up"
# The thread count does not change the result.
run evaluate --json --infected 147.32.84.165 --fp-min-flows 20 -j 3 "$S6@70:"
expect_eq "$OUT" "$(cat "$TMP/s6.json")" "same JSON with -j 3"

# Host truth from the labels (a host with a botnet flow is infected) gives the same hosts here.
run evaluate --json --fp-min-flows 20 "$S6@70:"
expect_rc 0 "evaluate with host truth from labels"
expect_eq "$(echo "$OUT" | json_get 'd["host_metrics"]["truth"], [h["host"] for h in d["host_metrics"]["found_hosts"]]')" \
  "labels ['147.32.84.165']" "labels: the bot is found"

# No label column: --infected labels the flows by source host; --normal is reported.
run evaluate --json --infected 147.32.84.165 --infected 147.32.84.191 --normal 147.32.84.170 "$TEST"
expect_rc 0 "evaluate an unlabelled file with --infected"
expect_eq "$(echo "$OUT" | json_get 'd["flows"]["labels"], d["host_metrics"]["infected"], [h["host"] for h in d["host_metrics"]["normal_not_flagged_hosts"]]')" \
  "infected 2 ['147.32.84.170']" "host-derived labels and known normal hosts"
printf '# infected\n147.32.84.165\n147.32.84.191  # the other one\n' > "$TMP/infected.txt"
run evaluate --json --infected "$TMP/infected.txt" --normal 147.32.84.170 "$TEST"
expect_eq "$(echo "$OUT" | json_get 'd["host_metrics"]["infected"]')" "2" "--infected from a file"

# A time window in the past of the file (nothing left) and a window that is not a number.
run evaluate --label 0 "$DATA/ctu13/scenario5-virut-head.binetflow@100000:"
expect_rc 2 "empty window"
expect_contains "$ERR" "no flows to evaluate" "empty window message"
run evaluate "$S6@x:10"
expect_rc 2 "bad window"
expect_contains "$ERR" "Error: evaluate: bad time window 'x:10'" "bad window message"

# Errors: no labels and neither --label nor --infected; unknown model; bad entries.
run evaluate "$TEST"
expect_rc 2 "no labels"
expect_contains "$ERR" "no label column 'label'" "no labels message"
expect_contains "$ERR" "--infected" "no labels message suggests --infected"
run evaluate -m nosuchmodel --label 0 "$TEST"
expect_rc 2 "unknown model"
expect_contains "$ERR" "'nosuchmodel' is not one of" "unknown model message"
run evaluate -M "$TMP/missing.brm" --label 0 "$TEST"
expect_rc 2 "missing model file"
run evaluate --infected not-an-address --label 0 "$TEST"
expect_rc 2 "bad --infected entry"
run evaluate --label 2 "$TEST"
expect_rc 2 "--label 2"
run evaluate --label 1 --label-column Label "$TEST"
expect_rc 2 "--label with --label-column"
run evaluate --label 0 "$TMP/missing.csv"
expect_rc 2 "missing input"
run evaluate
expect_rc 2 "no input"
run evaluate -h
expect_rc 0 "evaluate -h"
expect_contains "$OUT" "--fp-min-flows" "help lists --fp-min-flows"
# Per-file labels: FILE#infected=A labels that file by source host and adds A
# to the host truth; FILE#label=0 labels a whole file.
F=$DATA/original-tests/filter.csv
run evaluate --json "$F#infected=147.32.84.208,147.32.84.209" "$F#label=0"
expect_rc 0 "evaluate with #infected= and #label="
expect_contains "$OUT" '"labels": "mixed"' "two label sources"
expect_contains "$OUT" '"botnet": 2,' "two botnet flows (.208 and .209 in the #infected= copy)"
expect_contains "$OUT" '"truth": "infected"' "host truth from #infected="
run evaluate "$F#infected=147.32.84.208"
expect_contains "$OUT" "labelled by source host (--infected or #infected=)" "the table says where labels came from"
expect_contains "$OUT" "Infected found   " "host section"
expect_contains "$OUT" "of 1" "one infected host from #infected="
run evaluate "$F#infected=147.32.84.x"
expect_rc 2 "bad #infected= entry"
expect_contains "$ERR" "for #infected=: '147.32.84.x'" "the error names #infected="
run evaluate "$F#label=3"
expect_rc 2 "bad #label="
expect_contains "$ERR" "evaluate: bad per-file label '3'" "the error names the command and label"
run -h
expect_contains "$OUT" "botrecon evaluate" "scan help mentions evaluate"

# Detector quality: per detector and combined, unless --detect model; the
# model's sections are the same with or without the behaviour stage.
run evaluate --infected 147.32.84.165 "$S6@70:"
expect_rc 0 "evaluate with detectors"
expect_contains "$OUT" "Detection quality (--detect default; infected hosts: 1; normal hosts with >= 20 flows:" "quality header"
expect_contains "$OUT" "  horizontal-scan  " "a Tier 1 detector row"
expect_contains "$OUT" "  model or detector" "combined verdict row"
WITH=$(echo "$OUT" | sed '/^Detection quality/,$d')
run evaluate --detect model --infected 147.32.84.165 "$S6@70:"
expect_eq "$(echo "$OUT" | sed '/^Detection quality/,$d')" "$WITH" "model sections unchanged by the detectors"
expect_eq "$(echo "$OUT" | grep -c 'Detection quality')" "0" "no quality table with --detect model"
run evaluate --json --detect all --fp-min-flows 50 --infected 147.32.84.165 "$S6@70:"
expect_eq "$(echo "$OUT" | json_get 'd["detection_quality"]["min_flows"], d["detection_quality"]["detect"], "beaconing" in [v["name"] for v in d["detection_quality"]["verdicts"]]')" \
  "50 all True" "JSON quality with --detect all and --fp-min-flows"
run evaluate --detect nonsense "$S6@70:"
expect_rc 2 "bad --detect"

finish
