# Address filters (-r/--range/--ip), -i, and -c, on the original tests' filter.csv
# (one flow from each of 20 source addresses).
source "$(dirname "$0")/lib.sh"
F=$DATA/original-tests/filter.csv

# hosts_for ARGS...: hosts evaluated with the given filter options.
hosts_for() {
  run -s -y --threshold -1 "$@" "$F" "$TMP/f.csv"
  if [ "$RC" -ne 0 ]; then echo "exit $RC: $ERR"; return; fi
  hosts_of "$TMP/f.csv"
}

expect_eq "$(hosts_for -r 147.32.84.208)" "147.32.84.208" "single address"
expect_eq "$(hosts_for -r 147.32.84.208 --ip 10.0.0.7 --range 142.16.17.15)" "10.0.0.7 142.16.17.15 147.32.84.208" "several addresses"
expect_eq "$(hosts_for -r 147.32.84.0/24)" "147.32.84.208 147.32.84.209 147.32.84.210 147.32.84.211" "/24"
expect_eq "$(hosts_for -r 147.32.84.0/255.255.255.0)" "147.32.84.208 147.32.84.209 147.32.84.210 147.32.84.211" "netmask form"
expect_eq "$(hosts_for -r 10.0.0.0/8)" "10.0.0.7 10.0.1.7 10.1.0.7 10.1.1.7" "/8"
expect_eq "$(hosts_for -r 10.1.0.0/16 -r 142.16.17.20 -r 147.32.85.0/255.255.255.252)" \
  "10.1.0.7 10.1.1.7 142.16.17.20" "mixed (the /30 matches none)"
expect_eq "$(hosts_for -r 147.32.85.208/30)" "147.32.85.208 147.32.85.209 147.32.85.210 147.32.85.211" "/30"

printf '# infected lab hosts\n147.32.84.209\n\n10.0.0.0/16   # lab net\n' > "$TMP/list1.txt"
printf '142.15.85.210\r\n142.16.17.0/255.255.255.0\r\n' > "$TMP/list2.txt"
expect_eq "$(hosts_for -r "$TMP/list1.txt")" "10.0.0.7 10.0.1.7 147.32.84.209" "from a file ending in a newline"
expect_eq "$(hosts_for -r "$TMP/list1.txt" -r "$TMP/list2.txt")" \
  "10.0.0.7 10.0.1.7 142.15.85.210 142.16.17.15 142.16.17.20 142.16.17.25 142.16.17.30 147.32.84.209" "from two files"
printf '147.32.84.210' > "$TMP/nonl.txt"
expect_eq "$(hosts_for --ip "$TMP/nonl.txt" --ip ::1)" "147.32.84.210" "file without a final newline, plus IPv6"

run -r 300.1.1.1 "$F"
expect_rc 2 "invalid filter entry"
expect_contains "$ERR" "Error: invalid address, network or file for --ip: '300.1.1.1'" "invalid entry message"
printf '10.0.0.1\nnot-an-address\n' > "$TMP/bad.txt"
run -r "$TMP/bad.txt" "$F"
expect_rc 2 "bad line in a filter file"
expect_contains "$ERR" "$TMP/bad.txt:2:" "bad line names file:line"

# Invalid source addresses in the data: an error naming the row unless -i.
{ head -1 "$F"; sed -n 2,3p "$F"; sed -n 4p "$F" | sed 's/147.32.84.210$/not-an-ip/'; } > "$TMP/badaddr.csv"
run -r 147.32.84.0/24 "$TMP/badaddr.csv"
expect_rc 2 "invalid address in the data"
expect_contains "$ERR" "Error: $TMP/badaddr.csv:4: column 'srcaddr' (field 10): invalid source address 'not-an-ip'" "invalid data address message"
run -s -y -i --threshold -1 -r 147.32.84.0/24 "$TMP/badaddr.csv" "$TMP/i.csv"
expect_rc 0 "-i skips invalid addresses"
expect_eq "$(hosts_of "$TMP/i.csv")" "147.32.84.208 147.32.84.209" "-i result"
# Without a filter, names that are not addresses are hosts like any other.
run -s -y --threshold -1 "$TMP/badaddr.csv" "$TMP/noflt.csv"
expect_rc 0 "no filter: non-IP hosts allowed"
expect_eq "$(hosts_of "$TMP/noflt.csv")" "147.32.84.208 147.32.84.209 not-an-ip" "non-IP host kept"

# -c: hosts with fewer than N flows are skipped. Build hosts with 1, 2 and 3 flows.
{ head -1 "$F"; sed -n 2p "$F"; sed -n 3p "$F"; sed -n 3p "$F"; sed -n 4p "$F"; sed -n 4p "$F"; sed -n 4p "$F"; } > "$TMP/counts.csv"
run -s -y --threshold -1 -c 2 "$TMP/counts.csv" "$TMP/c.csv"
expect_eq "$(hosts_of "$TMP/c.csv")" "147.32.84.209 147.32.84.210" "-c 2 keeps hosts with at least 2 flows"
expect_eq "$(grep 147.32.84.210 "$TMP/c.csv" | cut -d, -f4)" "3" "flow count"
run -s -y --threshold -1 -c 3 "$TMP/counts.csv" "$TMP/c3.csv"
expect_eq "$(hosts_of "$TMP/c3.csv")" "147.32.84.210" "-c 3"
for c in 0 -5 1; do
  run -s -y --threshold -1 -c "$c" "$TMP/counts.csv" "$TMP/c0.csv"
  expect_eq "$(hosts_of "$TMP/c0.csv")" "147.32.84.208 147.32.84.209 147.32.84.210" "-c $c keeps every host"
done
run -s -y --threshold -1 -c 4 "$TMP/counts.csv"
expect_rc 0 "-c above every count"

finish
