#!/bin/sh
# Rebuilds the built-in model files from the labelled flows in ../shared/data:
#   models/rforest.brm               (README "rforest", models/rforest.md)
#   models/svm.brm                   (models/svm.md)
#   models/rforest-experimental.brm  (models/rforest-experimental.md)
# usage: tools/train-builtin-models.sh [BOTRECON [DATA_DIR [OUT_DIR]]]
# (tests/cli/recipes.sh runs it into a temporary OUT_DIR and compares bytes)
# then re-run cmake and rebuild to embed them. Deterministic (seed 1, any -j).
# Environment: BOTRECON_RECIPES (default "rforest svm rforest-experimental")
# picks models; BOTRECON_LEAVE_OUT=NAME trains rforest-experimental without
# that capture of tools/captures.sh (leave-one-out, tools/eval-unseen.sh);
# BOTRECON_CAPTURE_LIST=FILE uses captures already prepared by prepare_captures.
set -eu
cd "$(dirname "$0")/.."
. tools/captures.sh
B=${1:-./build/botrecon}
D=${2:-../shared/data}
O=${3:-models}
C=$D/ctu13
Z=$D/flows/stratosphere-zeek
S=$D/flows/slips
RECIPES=${BOTRECON_RECIPES:-rforest svm rforest-experimental}
LEAVE_OUT=${BOTRECON_LEAVE_OUT:-}
wanted() { case " $RECIPES " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# rforest and svm: original feature set, CTU-13 only.
if wanted rforest; then
  "$B" train -s --seed 1 --exclude "$D/original-tests/test.csv" -o "$O/rforest.brm" \
    "$C/scenario6-menti-first100min.binetflow@:70" "$C/scenario11-rbot.binetflow" "$C/scenario5-virut-head.binetflow"
fi
if wanted svm; then
  "$B" train -s --model-type svm --seed 1 --exclude "$D/original-tests/test.csv" -o "$O/svm.brm" \
    "$C/scenario6-menti-first100min.binetflow@:70" "$C/scenario11-rbot.binetflow" "$C/scenario5-virut-head.binetflow"
fi

# rforest-experimental: generalised feature set (id 2), every labelled source
# that is not held out for measuring (held out: scenario 6 after minute 70,
# original-tests/test.csv, captures/mypcap.pcap; slips test3 is unlabelled).
# FILE#label=N labels a whole file; FILE#infected=ADDR labels the flows of
# that source host 1 and all others 0: the malicious captures of
# tools/captures.sh (pcaps through argus/ra, nfdump -B), each by its infected
# host. Their quality is measured leaving each out in turn (eval-unseen.sh).
wanted rforest-experimental || exit 0
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
if [ -n "${BOTRECON_CAPTURE_LIST:-}" ]; then
  cp "$BOTRECON_CAPTURE_LIST" "$T/list"  # already prepared (tools/eval-unseen.sh --leave-one-out)
else
  prepare_captures "$D" "$T" > "$T/list"
fi
set --
while read -r name file hosts; do
  [ "$name" = "$LEAVE_OUT" ] || set -- "$@" "$file#infected=$hosts"
done < "$T/list"
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
  "$@"
