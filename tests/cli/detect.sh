# Behaviour detection through the command line: verdict, evidence columns,
# explain, a capture the model cannot score, time windows.
source "$(dirname "$0")/lib.sh"
VSCAN=$DATA/flows/slips/port-scans/vertical/conn.log
S11=$DATA/ctu13/scenario11-rbot.binetflow

# A vertical port scan the model misses: found by default, with its evidence.
run -y "$VSCAN"
expect_rc 0 "vertical scan"
expect_contains "$OUT" "192.168.1.9" "scanner reported"
expect_contains "$OUT" "vertical-scan" "evidence column"
run -y --detect model "$VSCAN"
expect_contains "$OUT" "No hosts were found to be infected." "--detect model: the original's answer"
run -y -o "$TMP/v.csv" "$VSCAN"
expect_eq "$(head -1 "$TMP/v.csv")" ",Host,Mean Score,Flow Count,Detectors,Evidence,First Seen,Last Seen" "CSV columns"
expect_eq "$(sed -n 2p "$TMP/v.csv" | cut -d, -f2,5)" "192.168.1.9,vertical-scan" "CSV row"
run --jsonl "$VSCAN"
expect_contains "$OUT" '"detectors":["vertical-scan"],"evidence":[{"detector":"vertical-scan"' "JSONL evidence"

# explain: the host's windows, statistics and evidence.
run explain 192.168.1.9 "$VSCAN"
expect_rc 0 "explain"
expect_contains "$OUT" "Host 192.168.1.9: 50 flows" "explain header"
expect_contains "$OUT" "Window 2023-11-24 12:00:00 UTC" "explain window"
expect_contains "$OUT" "  vertical-scan: " "explain evidence"
run explain 10.99.99.99 "$VSCAN"
expect_rc 2 "explain an absent host"

# A capture without SrcBytes: the model is skipped with a warning, detectors run.
cut -d, -f1-13 "$DATA/flows/slips/test4-malicious.binetflow" > "$TMP/nosrcbytes.csv"
run -y "$TMP/nosrcbytes.csv"
expect_rc 0 "no SrcBytes, detectors on"
expect_contains "$ERR" "lacks srcbytes" "model skipped warning"
expect_contains "$OUT" "192.168.2.12" "scanner found without the model"
expect_contains "$OUT" "nan" "no mean score without the model"
run -y --detect model "$TMP/nosrcbytes.csv"
expect_rc 2 "no SrcBytes, model only"

# Time windows: --from/--to and FILE@FROM:TO (minutes after the first flow).
run -y --detect model --threshold -1 -o "$TMP/all.csv" "$S11"
run -y --detect model --threshold -1 --to 5 -o "$TMP/to5.csv" "$S11"
run -y --detect model --threshold -1 -o "$TMP/at5.csv" "$S11@:5"
expect_same_file "$TMP/to5.csv" "$TMP/at5.csv" "--to 5 = FILE@:5"
all=$(awk -F, 'NR > 1 {s += $4} END {print s}' "$TMP/all.csv")
to5=$(awk -F, 'NR > 1 {s += $4} END {print s}' "$TMP/to5.csv")
[ "$to5" -gt 0 ] && [ "$to5" -lt "$all" ] && pass || fail "--to 5 keeps a part of the flows ($to5 of $all)"
run --from -1 "$S11"
expect_rc 2 "negative --from"
run --window 30x "$S11"
expect_rc 2 "bad --window"
expect_contains "$ERR" "'--window'" "bad --window message"

finish
