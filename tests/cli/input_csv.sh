# CSV input as users have it: headers, aliases, headerless, tabs, quotes,
# CRLF, index columns, Argus files, bad rows, stdin.
source "$(dirname "$0")/lib.sh"
TEST=$DATA/original-tests/test.csv
run -s -y --threshold -1 "$TEST" "$TMP/ref.csv"
expect_rc 0 "reference"

# missing_column.csv lacks StartTime, which is not required.
run -s -y --threshold -1 "$DATA/original-tests/missing_column.csv" "$TMP/mc.csv"
expect_rc 0 "missing_column.csv"
expect_same_file "$TMP/ref.csv" "$TMP/mc.csv" "missing_column.csv gives the same result"

# Missing required columns are all named at once.
cut -d, -f1-6,9- "$TEST" > "$TMP/nodport.csv"   # drops Sport and Dport
run "$TMP/nodport.csv"
expect_rc 2 "missing columns"
expect_contains "$ERR" "Error: $TMP/nodport.csv: missing columns Dport, Sport; found: '', StartTime, Dur, TotBytes, SrcBytes, Proto, State, DstAddr, SrcAddr (use --column FIELD=HEADER)" "missing columns message"

# Headerless file with the 8 columns in the documented order.
awk -F, 'NR > 1 { print $11 "," $6 "," $8 "," $7 "," $9 "," $3 "," $4 "," $5 }' "$TEST" > "$TMP/headerless.csv"
run -s -y --threshold -1 "$TMP/headerless.csv" "$TMP/hl.csv"
expect_rc 0 "headerless"
expect_same_file "$TMP/ref.csv" "$TMP/hl.csv" "headerless gives the same result"
cut -d, -f1-7 "$TMP/headerless.csv" > "$TMP/headerless7.csv"
run "$TMP/headerless7.csv"
expect_rc 2 "headerless with 7 columns"
expect_contains "$ERR" "has 7 columns; a file without a header must have exactly 8 columns" "headerless column count message"

# Aliases, case and spaces in names; tabs; CRLF; quotes; ports in hex.
awk -F, 'BEGIN { OFS = "\t" } NR == 1 { print "Source Address", "PROTOCOL", "Dst Port", "source port", "St", "Duration", "Total Bytes", "Source Bytes"; next }
  { print $11, $6, $8, $7, $9, $3, $4, $5 }' "$TEST" | sed 's/$/\r/' > "$TMP/aliases.tsv"
run -s -y --threshold -1 "$TMP/aliases.tsv" "$TMP/al.csv"
expect_rc 0 "aliases, tabs, CRLF"
expect_same_file "$TMP/ref.csv" "$TMP/al.csv" "aliases/tabs/CRLF give the same result"
awk -F, 'NR == 1 { print; next } { OFS = ","; $6 = "\"" $6 "\""; if ($8 == "80.0") $8 = "0x0050"; print }' "$TEST" > "$TMP/quoted.csv"
run -s -y --threshold -1 "$TMP/quoted.csv" "$TMP/q.csv"
expect_rc 0 "quoted fields, hex ports"
expect_same_file "$TMP/ref.csv" "$TMP/q.csv" "quotes and hex ports give the same result"

# stdin.
"$BOTRECON" -s -y --threshold -1 - "$TMP/stdin.csv" < "$TEST"
expect_same_file "$TMP/ref.csv" "$TMP/stdin.csv" "stdin gives the same result"

# Bad values: error naming file, line and column; --skip-bad-rows skips and counts.
awk -F, 'NR == 6 { OFS = ","; $8 = "80/tcp" } { print }' "$TEST" > "$TMP/badport.csv"
run "$TMP/badport.csv"
expect_rc 2 "bad port"
expect_contains "$ERR" "Error: $TMP/badport.csv:6: column 'Dport' (field 8): invalid value '80/tcp'; expected a port number 0-65535" "bad port message"
awk -F, 'NR == 7 { OFS = ","; NF = 5 } { print }' "$TEST" > "$TMP/short.csv"
run "$TMP/short.csv"
expect_rc 2 "short row"
expect_contains "$ERR" "Error: $TMP/short.csv:7: expected 11 fields (as in the header), got 5" "short row message"
cat "$TMP/short.csv" > "$TMP/both.csv"; sed -n 6p "$TMP/badport.csv" >> "$TMP/both.csv"
run -y --skip-bad-rows "$TMP/both.csv" "$TMP/skip.csv"
expect_rc 0 "--skip-bad-rows"
expect_contains "$ERR" "Warning: skipped 2 rows (" "skip warning"
expect_contains "$ERR" "(0.04 % of the input) that could not be parsed; the first: $TMP/both.csv:7:" \
  "skip warning: the share skipped, and the first bad row named"
run "$TMP/empty.csv"
: > "$TMP/empty.csv"
run "$TMP/empty.csv"
expect_rc 0 "empty file: no flows, not an error"
expect_contains "$ERR" "Warning: $TMP/empty.csv: no flows" "empty file message"
printf 'SrcAddr,Proto,Dport,Sport,State,Dur,TotBytes,SrcBytes\n' > "$TMP/headeronly.csv"
run "$TMP/headeronly.csv"
expect_rc 0 "header only"
expect_contains "$OUT" "No hosts were found to be infected." "header only: no hosts"

# Argus/CTU-13 binetflow as published (comma) and a TAB-separated one (slips).
run -s -y --threshold -1 "$DATA/ctu13/scenario5-virut-head.binetflow" "$TMP/s5.csv"
expect_rc 0 "CTU-13 binetflow"
expect_contains "$(cat "$TMP/s5.csv")" ",147.32.84.229," "a known host of scenario 5"
run -s -y "$DATA/flows/slips/test5-mixed.binetflow" "$TMP/tab.csv"
expect_rc 0 "TAB-separated binetflow (slips test5-mixed): $ERR"

# A file named like a subcommand is scanned when written as a path or after --.
cp "$TEST" "$TMP/train"
(cd "$TMP" && "$BOTRECON" -s -y --threshold -1 ./train sub1.csv && "$BOTRECON" -s -y --threshold -1 -- train sub2.csv) < /dev/null
expect_same_file "$TMP/ref.csv" "$TMP/sub1.csv" "./train is scanned"
expect_same_file "$TMP/ref.csv" "$TMP/sub2.csv" "-- train is scanned"

finish
