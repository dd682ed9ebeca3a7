# Direct capture input: pcap/pcapng through argus + ra, Argus files through
# ra, nfdump files through `nfdump -B -o csv`, each giving exactly the result
# of the same commands run by hand; detection by magic bytes; compressed and
# stdin captures; missing tools, failing tools and damaged captures as one
# line and exit 2, never a hang.
source "$(dirname "$0")/lib.sh"

for tool in argus ra nfdump nfpcapd; do
  if ! command -v "$tool" > /dev/null && ! [ -x "/usr/sbin/$tool" ]; then
    fail "$tool is not installed (scripts/install-deps.sh installs it)"
    finish
    exit
  fi
done
PATH=$PATH:/usr/sbin
RA_FIELDS=(-Z b -n -u -c , -s stime dur proto saddr sport dir daddr dport state stos dtos pkts bytes sbytes)

S=sality
# scan NAME INPUT [OPTIONS...]: every host with its score, to $TMP/NAME.out.
scan() {
  local name=$1 input=$2
  shift 2
  run -y --threshold -1 "$@" -o "$TMP/$name.out" "$input"
}
# one_line DESCRIPTION: stderr is exactly one line starting with "Error: ".
one_line() {
  expect_eq "$(printf '%s\n' "$ERR" | wc -l)" "1" "$1: one line on stderr"
  expect_contains "$ERR" "Error: " "$1: an error line"
}

# hand NAME PCAP: argus + ra by hand, to $TMP/NAME.argus and $TMP/NAME.csv,
# and its scan to $TMP/NAME-hand.out.
hand() {
  argus -r "$2" -w "$TMP/$1.argus" 2> /dev/null
  ra -r "$TMP/$1.argus" "${RA_FIELDS[@]}" > "$TMP/$1.csv" 2> /dev/null
  scan "$1-hand" "$TMP/$1.csv"
}
# agree NAME PCAP OUT COMMAND...: runs COMMAND (a scan writing $TMP/OUT.out)
# until its result is that of PCAP converted by hand ($TMP/NAME-hand.out), then
# checks exit status and result. On a busy machine argus loses a flow now and
# then (the same commands in a shell do too): up to 6 tries, the hand
# conversion redone before every odd one.
agree() {
  local name=$1 pcap=$2 out=$3 attempt
  shift 3
  for attempt in 1 2 3 4 5 6; do
    [ "$attempt" -gt 1 ] && [ $((attempt % 2)) -eq 1 ] && hand "$name" "$pcap"
    "$@"
    cmp -s "$TMP/$name-hand.out" "$TMP/$out.out" && break
  done
  expect_rc 0 "$out: exit status"
  expect_same_file "$TMP/$name-hand.out" "$TMP/$out.out" "$out: same hosts and scores as $(basename "$pcap") by hand"
}
# same_as_hand OUT INPUT [OPTIONS...]: INPUT (the sality pcap in some form)
# scanned directly gives the result of sality.pcap converted by hand.
same_as_hand() { agree "$S" "$DATA/captures/$S.pcap" "$@"; }
same_as_hand_scan() { local out=$1; shift; same_as_hand "$out" scan "$out" "$@"; }

# Each pcap of captures/ read directly = argus + ra by hand.
for pcap in "$DATA"/captures/*.pcap; do hand "$(basename "$pcap" .pcap)" "$pcap" & done
wait
for pcap in "$DATA"/captures/*.pcap; do
  name=$(basename "$pcap" .pcap)
  [ -s "$TMP/$name-hand.out" ] && pass || fail "$name: flows converted by hand"
  agree "$name" "$pcap" "$name-direct" scan "$name-direct" "$pcap" -v
  expect_contains "$ERR" "srcaddr='SrcAddr'" "$name.pcap: the columns of ra's CSV"
  [ "$(wc -l < "$TMP/$name-direct.out")" -gt 1 ] && pass || fail "$name.pcap: no hosts"
done

# An Argus file, by extension and by its magic bytes alone; and -t argus.
scan argus "$TMP/$S.argus"
expect_rc 0 "an .argus file"
expect_same_file "$TMP/$S-hand.out" "$TMP/argus.out" "the .argus file: same result as ra by hand"
cp "$TMP/$S.argus" "$TMP/argus-noext"
scan argus-noext "$TMP/argus-noext" -v
expect_contains "$ERR" "srcaddr='SrcAddr'" "an Argus file without extension: detected by magic"
expect_same_file "$TMP/$S-hand.out" "$TMP/argus-noext.out" "Argus file without extension"
cp "$TMP/$S.argus" "$TMP/flows.dat"
scan argus-t "$TMP/flows.dat" -t argus
expect_rc 0 "-t argus"
expect_same_file "$TMP/$S-hand.out" "$TMP/argus-t.out" "-t argus"

# A pcap renamed (.dat, no extension): detected by its magic bytes; -t pcap.
cp "$DATA/captures/$S.pcap" "$TMP/capture.dat"
cp "$DATA/captures/$S.pcap" "$TMP/capture"
same_as_hand_scan magic-dat "$TMP/capture.dat"
same_as_hand_scan magic "$TMP/capture" -t pcap

# pcapng (the same packets rewritten as Section Header, Interface Description
# and Enhanced Packet blocks) is a pcap to argus.
python3 - "$DATA/captures/$S.pcap" "$TMP/capture.pcapng" << 'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
order = '<' if data[:4] == b'\xd4\xc3\xb2\xa1' else '>'
snaplen, linktype = struct.unpack(order + 'II', data[16:24])
def block(kind, body):
    body += b'\0' * (-len(body) % 4)
    return struct.pack('<II', kind, len(body) + 12) + body + struct.pack('<I', len(body) + 12)
out = [block(0x0A0D0D0A, struct.pack('<IHHq', 0x1A2B3C4D, 1, 0, -1)),
       block(1, struct.pack('<HHI', linktype, 0, snaplen))]
pos = 24
while pos + 16 <= len(data):
    sec, usec, incl, orig = struct.unpack(order + 'IIII', data[pos:pos + 16])
    ts = sec * 1000000 + usec
    out.append(block(6, struct.pack('<IIIII', 0, ts >> 32, ts & 0xFFFFFFFF, incl, orig) + data[pos + 16:pos + 16 + incl]))
    pos += 16 + incl
open(sys.argv[2], 'wb').write(b''.join(out))
PY
expect_eq "$(head -c 4 "$TMP/capture.pcapng" | od -An -tx1 | tr -d ' ')" "0a0d0d0a" "a pcapng file was written"
cp "$TMP/capture.pcapng" "$TMP/capture-ng.bin"
same_as_hand_scan pcapng "$TMP/capture-ng.bin"

# Compressed and stdin: decompressed and fed to argus's stdin.
gzip -c "$DATA/captures/$S.pcap" > "$TMP/c.pcap.gz"
same_as_hand_scan gz "$TMP/c.pcap.gz"
scan_stdin() {
  timeout 60 "$BOTRECON" -y --threshold -1 -o "$TMP/stdin.out" - < "$DATA/captures/$S.pcap" > /dev/null 2> "$TMP/err"
  RC=$?
}
same_as_hand stdin scan_stdin

# nfdump: files written by the real nfpcapd from a pcap, and slips' nfdump
# file; directly = `nfdump -B -o csv -r` by hand.
mkdir "$TMP/nf"
nfpcapd -r "$DATA/captures/$S.pcap" -w "$TMP/nf" > /dev/null 2>&1
nfcapd=$(ls "$TMP"/nf/nfcapd.* 2> /dev/null | head -1)
expect_eq "$([ -s "$nfcapd" ] && echo yes)" "yes" "nfpcapd wrote an nfcapd file"
for nf in "$nfcapd" "$DATA/flows/slips/test1-malicious.nfdump"; do
  nfdump -B -o csv -r "$nf" > "$TMP/nf-hand.csv" 2> /dev/null
  scan nf-hand "$TMP/nf-hand.csv"
  scan nf-direct "$nf" -v
  expect_rc 0 "nfdump file $(basename "$nf") read directly"
  expect_contains "$ERR" "srcaddr='sa'" "$(basename "$nf"): the columns of nfdump's CSV"
  [ "$(wc -l < "$TMP/nf-direct.out")" -gt 1 ] && pass || fail "$(basename "$nf"): no hosts"
  expect_same_file "$TMP/nf-hand.out" "$TMP/nf-direct.out" "$(basename "$nf"): same result as nfdump -B by hand"
done
# An nfdump file under another name (magic), compressed, and -t nfdump.
cp "$DATA/flows/slips/test1-malicious.nfdump" "$TMP/flows.bin"
scan nf-magic "$TMP/flows.bin"
expect_same_file "$TMP/nf-hand.out" "$TMP/nf-magic.out" "an nfdump file named .bin: detected by magic"
xz -c "$DATA/flows/slips/test1-malicious.nfdump" > "$TMP/flows.bin.xz"
mkdir "$TMP/tmpdir"
TMPDIR=$TMP/tmpdir scan nf-xz "$TMP/flows.bin.xz" -t nfdump
expect_rc 0 "an xz-compressed nfdump file"
expect_same_file "$TMP/nf-hand.out" "$TMP/nf-xz.out" "nfdump.xz: same result"
expect_eq "$(ls -A "$TMP/tmpdir")" "" "the temporary nfdump file is removed"

# Tools missing: exit 2, one line naming the file and the Debian package.
mkdir "$TMP/nobin"
without_tools() { timeout 20 env PATH="$TMP/nobin" "$BOTRECON" -y "$@" < /dev/null > "$TMP/out" 2> "$TMP/err"; RC=$?; ERR=$(cat "$TMP/err"); }
without_tools "$TMP/capture.dat"
expect_rc 2 "pcap without ra"
one_line "pcap without ra"
expect_contains "$ERR" "capture.dat: a pcap file; reading it needs argus and ra" "the file and the tools"
expect_contains "$ERR" "apt install argus-server argus-client" "the packages to install"
without_tools "$TMP/argus-noext"
expect_rc 2 "Argus file without ra"
expect_contains "$ERR" "apt install argus-client" "ra's package"
without_tools "$DATA/flows/slips/test1-malicious.nfdump"
expect_rc 2 "nfdump file without nfdump"
one_line "nfdump file without nfdump"
expect_contains "$ERR" "test1-malicious.nfdump: an nfdump file; reading it needs nfdump (apt install nfdump)" "nfdump's package"

# Damaged captures: exit 2 with one line, or a clean result; never a hang.
head -c 100000 "$DATA/captures/storm.pcap" > "$TMP/truncated.pcap"
timeout 60 "$BOTRECON" -y --threshold -1 -o "$TMP/trunc.out" "$TMP/truncated.pcap" < /dev/null > /dev/null 2> "$TMP/err"
RC=$?
ERR=$(cat "$TMP/err")
if [ "$RC" -eq 0 ]; then
  [ "$(wc -l < "$TMP/trunc.out")" -gt 1 ] && pass || fail "truncated pcap: no hosts"
else
  expect_rc 2 "a truncated pcap"
  one_line "a truncated pcap"
fi
{ printf '\xd4\xc3\xb2\xa1'; head -c 20000 /dev/urandom; } > "$TMP/garbage2.pcap"
run -y "$TMP/garbage2.pcap"
expect_rc 2 "garbage with pcap magic"
one_line "garbage with pcap magic"
expect_contains "$ERR" "garbage2.pcap: argus and ra read no flows from it: " "argus's reason"
expect_contains "$ERR" "unknown packet file format" "argus's message, without its timestamp prefix"
head -c 2000 "$DATA/flows/slips/test1-malicious.nfdump" > "$TMP/truncated.nfdump"
run -y "$TMP/truncated.nfdump"
expect_rc 2 "a truncated nfdump file"
one_line "a truncated nfdump file"
expect_contains "$ERR" "truncated.nfdump: nfdump reported an error: " "nfdump's stderr"
{ printf '\x0c\xa5\x01\x00'; head -c 5000 /dev/urandom; } > "$TMP/garbage.nfcapd"
run -y "$TMP/garbage.nfcapd"
expect_rc 2 "garbage with nfdump magic"
one_line "garbage with nfdump magic"
# A pcap header and no packets: no flows, no hosts, no error.
head -c 24 "$DATA/captures/$S.pcap" > "$TMP/empty.pcap"
run -y "$TMP/empty.pcap"
expect_rc 0 "a pcap without packets"
expect_contains "$OUT" "No hosts were found to be infected." "no hosts in an empty pcap"
# A tool that fails: -t argus on a pcap (ra exits non-zero).
run -y -t argus "$TMP/capture.dat"
expect_rc 2 "-t argus on a pcap"
one_line "-t argus on a pcap"

# An error while the tools still run (-r needs -i for ra's non-IP sources):
# exit 2 at once, and no argus or ra is left behind.
cp "$DATA/captures/mypcap.pcap" "$TMP/early.pcap"
run -y -r 10.0.0.0/8 "$TMP/early.pcap"
expect_rc 2 "an error while argus and ra run"
one_line "an error while argus and ra run"
sleep 0.2
expect_eq "$(pgrep -f "$TMP/early.pcap" | wc -l)" "0" "argus and ra were killed"

finish
