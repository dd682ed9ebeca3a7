# Slow (about 3 minutes on 2 cores; label "slow", not in the default suite):
# rforest-experimental's leave-one-capture-out figures of its model card —
# tools/eval-unseen.sh --leave-one-out retrains the model once per malicious
# capture without it and scores the capture.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/unseen_lib.sh"
REPO=$(cd "$(dirname "$0")/../.." && pwd)
bash "$REPO/tools/eval-unseen.sh" -b "$BOTRECON" -d "$DATA" --leave-one-out > "$TMP/loo.md" 2> "$TMP/loo.err"
expect_eq "$?" "0" "eval-unseen.sh --leave-one-out runs"
expect_eq "$(found_in "$TMP/loo.md" 0.5)" \
  "slips-test1.nfdump slips-port-scans/vertical slips-test14 stratosphere-002-portscan " \
  "left out in turn, 4 of the 19 malicious hosts are found"
expect_eq "$(others_in "$TMP/loo.md" mypcap.pcap)" "0 of 7" "nothing flagged in mypcap"
finish
