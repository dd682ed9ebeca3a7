#!/bin/sh
# Rebuilds the built-in model files from the labelled flows in ../shared/data:
#   models/rforest.brm               (README "rforest", models/rforest.md)
#   models/svm.brm                   (models/svm.md)
#   models/rforest-experimental.brm  (models/rforest-experimental.md)
# usage: tools/train-builtin-models.sh [BOTRECON [DATA_DIR [OUT_DIR]]]
# (tests/cli/recipes.sh runs it into a temporary OUT_DIR and compares bytes)
# then re-run cmake and rebuild to embed them. Deterministic (seed 1, any -j).
set -eu
cd "$(dirname "$0")/.."
B=${1:-./build/botrecon}
D=${2:-../shared/data}
O=${3:-models}
C=$D/ctu13
Z=$D/flows/stratosphere-zeek
S=$D/flows/slips

# rforest and svm: original feature set, CTU-13 only.
"$B" train -s --seed 1 --exclude "$D/original-tests/test.csv" -o "$O/rforest.brm" \
  "$C/scenario6-menti-first100min.binetflow@:70" "$C/scenario11-rbot.binetflow" "$C/scenario5-virut-head.binetflow"
"$B" train -s --model-type svm --seed 1 --exclude "$D/original-tests/test.csv" -o "$O/svm.brm" \
  "$C/scenario6-menti-first100min.binetflow@:70" "$C/scenario11-rbot.binetflow" "$C/scenario5-virut-head.binetflow"

# rforest-experimental: generalised feature set (id 2), every labelled source
# that is not held out for measuring (held out: scenario 6 after minute 70,
# original-tests/test.csv, captures/mypcap.pcap, slips test3 (unlabelled), test4
# and test11). FILE#label=N labels a whole file; FILE#infected=ADDR labels the
# flows of that source host 1 and all others 0. The P2P botnet captures are
# turned into flows with Argus first (README "Flow tools"; needs argus and ra).
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
for p in storm kelihos sality; do
  argus -r "$D/captures/$p.pcap" -w "$T/$p.argus"
  ra -r "$T/$p.argus" -Z b -n -u -c , -s stime dur proto saddr sport dir daddr dport state stos dtos pkts bytes sbytes \
    > "$T/$p.csv"
done
"$B" train --features generalised --min-samples-leaf 20 --seed 1 --exclude "$D/original-tests/test.csv" \
  -s -o "$O/rforest-experimental.brm" \
  "$C/scenario6-menti-first100min.binetflow@:70" "$C/scenario11-rbot.binetflow" "$C/scenario5-virut-head.binetflow" \
  "$S/test2-malicious.binetflow#label=1" "$S/test5-mixed.binetflow" \
  "$D/flows/ndpi-normal/ndpi-apps.binetflow#label=0" \
  "$D/flows/iot23/conn.log.test_90_10" "$D/flows/iot23/conn.log.calibration_60_40" \
  "$Z/001-zeek-scenario-malicious/labeled-conn.log" "$Z/008-zeek-mixed/data/conn.log.labeled" \
  "$Z/010-zeek-mixed/data/conn.log.labeled" "$Z/011-zeek-mixed/data/conn.log.labeled" \
  "$Z/012-zeek-mixed/data/conn.log.labeled" \
  "$S/test18-malicious-ctu-sme-11-win/zeek-labeled/conn.log.labeled" \
  "$T/storm.csv#infected=10.0.1.1" "$T/kelihos.csv#infected=172.16.253.132" "$T/sality.csv#infected=10.0.2.15"
