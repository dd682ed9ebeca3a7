#!/bin/bash
# Scores every malicious or normal capture in ../shared/data that the built-in
# models are measured on as "unseen" (model cards, evaluation (3) and (4)) and
# prints one markdown row per capture: the infected host's mean score and how
# many other hosts reach the threshold.
#
#   tools/eval-unseen.sh [-b BOTRECON] [-d DATA_DIR] [MODEL ARGS...]
#   tools/eval-unseen.sh -m rforest-experimental
#   tools/eval-unseen.sh -M /tmp/mine.brm
#
# Pcaps go through argus + ra, the nfdump file through `nfdump -B -o csv`
# (bidirectional records), into a temporary directory. Needs argus, ra, nfdump.
# Infected hosts: the README of the capture where it names one, else the host
# that originates most flows (storm, kelihos, sality, slips test7/test8/test12,
# test-cc, port-scans, test14/15, stratosphere 003/005). Which captures a model
# was trained on is in its card: for rforest-experimental storm, kelihos and
# sality are in-sample unless retrained without them.
set -euo pipefail
B=./build/botrecon
D=../shared/data
cd "$(dirname "$0")/.."
while [ $# -ge 2 ]; do
  case $1 in
    -b) B=$2; shift 2 ;;
    -d) D=$2; shift 2 ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || set -- -m rforest
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
S=$D/flows/slips
Z=$D/flows/stratosphere-zeek
flows() {  # flows NAME PCAP
  argus -r "$2" -w "$T/$1.argus"
  ra -r "$T/$1.argus" -Z b -n -u -c , -s stime dur proto saddr sport dir daddr dport state stos dtos pkts bytes sbytes \
    > "$T/$1.csv"
}
for p in storm kelihos sality mypcap; do flows "$p" "$D/captures/$p.pcap"; done
for p in test7-malicious test8-malicious test12-icmp-portscan; do flows "$p" "$S/$p.pcap"; done
flows test19 "$S/test19-malicious-ssh/malicious-ssh-bruteforce.pcap"
flows cc1 "$S/test-cc/test-cc-capture-1.pcap"
flows cc2 "$S/test-cc/test-cc-capture-2.pcap"
nfdump -B -o csv -r "$S/test1-malicious.nfdump" > "$T/test1.csv"

threshold=0.5
case " $* " in *" svm "* | *" SVM "*) threshold=0 ;; esac
echo "| capture | infected host: mean score (flows) | other hosts at or above $threshold |"
echo "|---|---|---|"
while read -r name file hosts; do
  "$B" "$@" -y -s --threshold -1e300 "$file" "$T/out.csv"
  cells=""
  for h in ${hosts//,/ }; do
    [ "$h" = - ] && continue
    cells="$cells$(awk -F, -v h="$h" '$2 == h {printf "%s: %.2f (%d) ", h, $3, $4}' "$T/out.csv")"
  done
  others=$(awk -F, -v hs=",$hosts," -v t="$threshold" 'NR > 1 && $3 >= t && index(hs, "," $2 ",") == 0 {n++} END {print n + 0}' "$T/out.csv")
  echo "| $name | ${cells:-none (normal traffic)} | $others of $(($(wc -l < "$T/out.csv") - 1)) |"
done << LIST
mypcap.pcap $T/mypcap.csv -
storm.pcap $T/storm.csv 10.0.1.1
kelihos.pcap $T/kelihos.csv 172.16.253.132
sality.pcap $T/sality.csv 10.0.2.15
slips-test1.nfdump $T/test1.csv 147.32.80.119
slips-test4 $S/test4-malicious.binetflow 192.168.2.12
slips-test7.pcap $T/test7-malicious.csv 192.168.2.16
slips-test8.pcap $T/test8-malicious.csv 192.168.1.247
slips-test11-portscan $S/test11-portscan.binetflow 10.8.0.69
slips-test12-icmp-portscan.pcap $T/test12-icmp-portscan.csv 192.168.1.109
slips-test19-ssh-bruteforce.pcap $T/test19.csv 147.32.80.40
slips-test-cc-1.pcap $T/cc1.csv 147.32.80.37
slips-test-cc-2.pcap $T/cc2.csv 147.32.80.37
slips-port-scans/horizontal $S/port-scans/horizontal/conn.log 10.0.2.112
slips-port-scans/vertical $S/port-scans/vertical/conn.log 192.168.1.9
slips-test14 $S/test14-malicious-zeek-dir/conn.log 10.0.2.15
slips-test15 $S/test15-malicious-zeek-dir/conn.log 10.0.2.15
stratosphere-002-portscan $Z/002-zeek-scenario-port-scanning/conn.log 172.16.1.11
stratosphere-003-android-rat $Z/003-zeek-scenario-malicious/conn.log 10.8.0.61
stratosphere-005-simda $Z/005-zeek-scenario-malicious/conn.log 192.168.1.116,fd77:48a1:c0bb:0:b96c:506d:6c7f:e8be
LIST
