# Columns and separators: CSV separators (detected and --separator), UTF-16
# input, --column FIELD=HEADER, and the messages for missing columns and for
# files of another kind (Zeek logs other than conn.log, eve.json without
# flows, Argus output without the needed fields, ports as service names).
source "$(dirname "$0")/lib.sh"
TEST=$DATA/original-tests/test.csv
CF=$FIXTURES/columns
run -s -y --threshold -1 "$TEST" "$TMP/ref.csv"
expect_rc 0 "reference"
expect_eq "$(($(wc -l < "$TMP/ref.csv") - 1))" "1739" "every host of test.csv in the reference"

# scan_same NAME ARGS...: scans to $TMP/NAME.out.csv and compares with the reference.
scan_same() {
  local name=$1
  shift
  run -s -y --threshold -1 "$@" "$TMP/$name.out.csv"
  expect_rc 0 "$name"
  expect_same_file "$TMP/ref.csv" "$TMP/$name.out.csv" "$name gives the reference result"
}

# The same flows with every separator, and with quoted fields.
tr ',' ';' < "$TEST" > "$TMP/semi.csv"
tr ',' '|' < "$TEST" > "$TMP/bar.csv"
tr ',' '\t' < "$TEST" > "$TMP/tab.tsv"
awk -F, 'BEGIN { OFS = ";" } NR > 1 { $9 = "\"" $9 "\""; $6 = "\"" $6 "\"" } { $1 = $1; print }' "$TEST" > "$TMP/semi_quoted.csv"
scan_same semicolon "$TMP/semi.csv"
scan_same bar "$TMP/bar.csv"
scan_same tab "$TMP/tab.tsv"
scan_same semicolon_quoted "$TMP/semi_quoted.csv"
# A .txt with '|' is csv, not fixed width.
cp "$TMP/bar.csv" "$TMP/bar.txt"
scan_same bar_txt "$TMP/bar.txt"

# UTF-16 with a byte order mark: Excel's "Unicode text" (UTF-16LE, TAB, CRLF),
# UTF-16BE with commas, and UTF-16LE from stdin.
{ printf '\xff\xfe'; sed 's/$/\r/' "$TMP/tab.tsv" | iconv -f UTF-8 -t UTF-16LE; } > "$TMP/unicode.txt"
{ printf '\xfe\xff'; iconv -f UTF-8 -t UTF-16BE < "$TEST"; } > "$TMP/be.csv"
scan_same utf16le_tab "$TMP/unicode.txt"
scan_same utf16be_comma "$TMP/be.csv"
"$BOTRECON" -s -y --threshold -1 - "$TMP/stdin16.csv" < "$TMP/unicode.txt"
expect_same_file "$TMP/ref.csv" "$TMP/stdin16.csv" "UTF-16LE on stdin gives the reference result"

# --separator overrides the detection.
scan_same separator_semicolon --separator ';' "$TMP/semi.csv"
scan_same separator_tab --separator tab "$TMP/tab.tsv"
scan_same separator_backslash_t --separator '\t' "$TMP/tab.tsv"
scan_same separator_bar --separator '|' "$TMP/bar.txt"
run --separator ';' "$TEST"
expect_rc 2 "comma file read with ';'"
expect_contains "$ERR" "Error: $TEST: missing columns SrcAddr, Proto, Dport, Sport, State, Dur, TotBytes, SrcBytes; found: ,StartTime,Dur,TotBytes,SrcBytes,Proto,Sport,Dport,State,DstAddr,SrcAddr (one column: the separator seems to be ',') (set it with --separator)" "wrong separator message"
run --separator x "$TEST"
expect_rc 2 "--separator x"
expect_eq "$ERR" "Error: Invalid value for '--separator': 'x' is not one of ',', ';', '|', 'tab'." "--separator x message"
run train -o "$TMP/m.brm" --separator ',,' "$TEST"
expect_rc 2 "train --separator ',,'"
expect_contains "$ERR" "train: invalid value for '--separator': ',,'" "train --separator message"

# --column: the headers renamed, then named on the command line.
sed '1s/SrcAddr/src_host/; 1s/Dport/dst_port_num/; 1s/TotBytes/bytes_total/' "$TEST" > "$TMP/renamed.csv"
scan_same column_renamed --column SrcAddr=src_host --column dport=DST_PORT_NUM --column TOTBYTES=bytes_total \
  "$TMP/renamed.csv"
run "$TMP/renamed.csv"
expect_rc 2 "renamed columns without --column"
expect_eq "$ERR" "Error: $TMP/renamed.csv: missing columns SrcAddr, Dport, TotBytes; found: '', StartTime, Dur, bytes_total, SrcBytes, Proto, Sport, dst_port_num, State, DstAddr, src_host; closest: SrcAddr ~ src_host, Dport ~ dst_port_num, TotBytes ~ bytes_total (use --column FIELD=HEADER)" "missing columns: found and closest"
# The subcommands take it too.
run explain --column SrcAddr=src_host --column Dport=dst_port_num --column TotBytes=bytes_total 147.32.84.165 \
  "$TMP/renamed.csv"
expect_rc 0 "explain --column"
explain_renamed=$OUT
run explain 147.32.84.165 "$TEST"
expect_eq "$explain_renamed" "$OUT" "explain --column on the renamed file = explain on the original"
# A mapped label column (train reads it through the same resolution).
awk -F, 'BEGIN { OFS = "," } NR == 1 { print $0, "verdict"; next } { print $0, ($11 == "147.32.84.165" ? "Botnet" : "Normal") }' \
  "$TMP/renamed.csv" > "$TMP/labelled.csv"
run train -o "$TMP/m.brm" --trees 2 --column SrcAddr=src_host --column Dport=dst_port_num \
  --column TotBytes=bytes_total --column Label=verdict "$TMP/labelled.csv"
expect_rc 0 "train --column Label=verdict"
expect_contains "$ERR" "botnet" "train read the mapped labels"

# Bad --column values.
run --column Foo=bar "$TEST"
expect_rc 2 "unknown field"
expect_contains "$ERR" "Error: Invalid value for '--column': 'Foo=bar': unknown field 'Foo'; the fields are SrcAddr, Proto, Dport, Sport, State, Dur, TotBytes, SrcBytes, DstAddr, StartTime, TotPkts, Label" "unknown field message"
run --column SrcAddr "$TEST"
expect_rc 2 "no '='"
expect_contains "$ERR" "expected FIELD=HEADER" "no '=' message"
run --column SrcAddr=a --column srcaddr=b "$TEST"
expect_rc 2 "field mapped twice"
expect_contains "$ERR" "SrcAddr is mapped twice" "twice message"
run --column SrcAddr=nosuch "$TEST"
expect_rc 2 "header not in the file"
expect_eq "$ERR" "Error: $TEST: no column 'nosuch' (for SrcAddr); found: '', StartTime, Dur, TotBytes, SrcBytes, Proto, Sport, Dport, State, DstAddr, SrcAddr (given as --column SrcAddr=nosuch)" "header not in the file message"
run evaluate --label 0 --column Label=nosuch "$TEST"
expect_rc 2 "evaluate: header not in the file"
expect_contains "$ERR" "no column 'nosuch' (for Label)" "evaluate: header not in the file message"

# Files of another kind say what to use instead.
run "$CF/zeek_dns.log"
expect_rc 2 "Zeek dns.log"
expect_eq "$ERR" "Error: $CF/zeek_dns.log: a Zeek dns log; botrecon needs Zeek's conn.log (the connections)" "Zeek dns.log message"
run "$CF/zeek_dns_json.log"
expect_rc 2 "Zeek dns.log as JSON"
expect_eq "$ERR" "Error: $CF/zeek_dns_json.log: a Zeek dns log; botrecon needs Zeek's conn.log (the connections)" "Zeek JSON dns.log message"
run "$CF/eve_alerts.json"
expect_rc 2 "eve.json without flows"
expect_contains "$ERR" "a Suricata eve.json without flow records; botrecon reads its flow records (event_type \"flow\")" "eve.json message"
RA="ra -r CAPTURE.argus -n -u -Z b -c , -s stime dur proto saddr sport dir daddr dport state stos dtos pkts bytes sbytes"
run --detect model "$CF/ra_default.csv"
expect_rc 2 "ra output without Dur, SrcBytes"
expect_eq "$ERR" "Error: $CF/ra_default.csv: missing columns Dur, SrcBytes; found: StartTime, Flgs, Proto, SrcAddr, Sport, Dir, DstAddr, Dport, TotPkts, TotBytes, State; Argus output: export the flows with $RA" "ra output message"
# A model column missing while the detectors can run: a warning, with the closest header.
sed '1s/SrcBytes/bytes_out/' "$TEST" > "$TMP/bytes_out.csv"
run -y "$TMP/bytes_out.csv"
expect_rc 0 "model column missing, detectors on"
expect_contains "$ERR" "lacks srcbytes (any of: srcbytes, sourcebytes) (closest: SrcBytes ~ bytes_out), which the model needs" "model column warning names the closest header"
run -y "$CF/ra_default.csv"   # detectors on: the model is skipped, with the command
expect_rc 0 "ra output without Dur, SrcBytes, detectors on"
expect_contains "$ERR" "(Argus output: export the flows with $RA), which the model needs" "ra output warning"

# Ports written as service names (ra without -n).
run "$CF/ra_service_names.csv"
expect_rc 2 "service name port"
expect_eq "$ERR" "Error: $CF/ra_service_names.csv:2: column 'Dport' (field 8): port 'http' is a service name, not a number; export the flows with numeric ports (ra -n)" "service name message"
run -y --skip-bad-rows "$CF/ra_service_names.csv"
expect_contains "$ERR" "port 'http' is a service name" "service names under --skip-bad-rows"

# Suricata eve.json: its flow records are read (alerts, dns, ... are not flows).
EVE=$DATA/flows/slips/test6-malicious.suricata.json
if [ -f "$EVE" ]; then
  run -v -y --threshold -1 "$EVE"
  expect_rc 0 "eve.json flows"
  expect_contains "$ERR" "Read 3512 rows" "every flow record of the eve.json, nothing else"
  expect_contains "$ERR" "Columns: srcaddr='src_ip', proto='proto', dport='dest_port', sport='src_port', state='flow.state', dur='flow.age', totbytes='flow.bytes_toserver' + 'flow.bytes_toclient', srcbytes='flow.bytes_toserver'" "eve columns"
  expect_contains "$OUT" "192.168.1.129" "a host of the eve.json"
fi

finish
