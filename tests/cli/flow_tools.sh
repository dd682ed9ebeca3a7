# Flow files of the ecosystem, as the tools write them: Argus (argus + ra from
# a pcap), nfdump (nfdump -o csv from a binary nfdump file), Zeek conn.log
# (TSV with #fields), IoT-23 labelled logs (TSV with a repeated header).
source "$(dirname "$0")/lib.sh"

# Zeek TSV: columns mapped (id.orig_h, id.resp_p, conn_state, orig_ip_bytes + resp_ip_bytes, ...).
run -v -y --threshold -1 "$DATA/flows/stratosphere-zeek/001-zeek-scenario-malicious/conn.log" "$TMP/zeek.csv"
expect_rc 0 "Zeek conn.log"
expect_contains "$ERR" "srcaddr='id.orig_h'" "Zeek source address column"
expect_contains "$ERR" "totbytes='orig_ip_bytes' + 'resp_ip_bytes'" "Zeek total bytes = both directions"
[ "$(wc -l < "$TMP/zeek.csv")" -gt 1 ] && pass || fail "Zeek hosts"
# A real Zeek log whose first line starts with a stray TAB before #separator.
Z10=$DATA/flows/slips/test10-mixed-zeek-dir/conn.log
expect_eq "$(head -c 2 "$Z10" | od -An -c | tr -d ' ')" '\t#' "test10's conn.log starts with a TAB"
run -v -y --threshold -1 "$Z10" "$TMP/z10.csv"
expect_rc 0 "Zeek log with a blank before #separator"
expect_contains "$ERR" "srcaddr='id.orig_h'" "its #fields are read"
expect_eq "$(($(wc -l < "$TMP/z10.csv") - 1))" "$(awk -F'\t' '!/^[ \t]*#/ {print $3}' "$Z10" | sort -u | wc -l)" \
  "every source host of test10's conn.log is scored"
printf '#separator \\xZZ\n#fields\tid.orig_h\n1.2.3.4\n' > "$TMP/badsep.log"
run -y "$TMP/badsep.log"
expect_rc 2 "bad Zeek #separator"
expect_contains "$ERR" "badsep.log:1: invalid Zeek #separator" "the error names file and line"

run -s -y --threshold -1 "$DATA/flows/iot23/conn.log.calibration_60_40" "$TMP/iot.csv"
expect_rc 0 "IoT-23 log with a repeated header"

# nfdump: convert the binary file with the real tool.
if command -v nfdump > /dev/null; then
  nfdump -r "$DATA/flows/slips/test1-malicious.nfdump" -o csv > "$TMP/nf.csv"
  run -v -y --threshold -1 "$TMP/nf.csv" "$TMP/nfout.csv"
  expect_rc 0 "nfdump -o csv"
  expect_contains "$ERR" "srcaddr='sa'" "nfdump source address column"
  expect_contains "$ERR" "Read $(($(grep -c '^[0-9]' "$TMP/nf.csv") - 1)) rows" "nfdump rows (the summary is not data)"
else
  fail "nfdump is not installed (scripts/install-deps.sh installs it)"
fi

# Argus: a pcap through argus and ra, as ../shared/data/README.md describes.
if command -v argus > /dev/null && command -v ra > /dev/null; then
  argus -r "$DATA/captures/mypcap.pcap" -w "$TMP/my.argus" 2> /dev/null
  ra -r "$TMP/my.argus" -Z b -n -u -c , -s stime dur proto saddr sport dir daddr dport state stos dtos pkts bytes sbytes > "$TMP/my.csv" 2> /dev/null
  run -v -y "$TMP/my.csv" "$TMP/myout.csv"
  expect_rc 0 "argus/ra flows of mypcap.pcap"
  expect_contains "$ERR" "Columns: srcaddr='SrcAddr'" "ra header"
  expect_eq "$(($(wc -l < "$TMP/myout.csv") - 1))" "0" "no infected host in a healthy machine's traffic"
  # ra prints Argus management records (proto man, source "0") among the
  # flows; they are not flows: skipped, counted, never a host.
  man=$(grep -c ',man,' "$TMP/my.csv")
  expect_eq "$((man > 0))" "1" "ra output holds management records"
  expect_contains "$ERR" "Skipped $man Argus management records" "-v counts the skipped management records"
  run -s -y --threshold -1 "$TMP/my.csv" "$TMP/myall.csv"
  expect_eq "$(awk -F, '$2 == "0"' "$TMP/myall.csv" | wc -l)" "0" "no host '0' from management records"
  # train: FILE#infected=ADDR labels a capture by source host.
  run train --trees 3 -o "$TMP/inf.brm" "$TMP/my.csv#infected=$(awk -F, 'NR == 3 {print $4}' "$TMP/my.csv")"
  expect_rc 0 "train with #infected= on argus flows"
  expect_contains "$ERR" "botnet" "train reports the botnet rows"
else
  fail "argus/ra are not installed (scripts/install-deps.sh installs them)"
fi

finish
