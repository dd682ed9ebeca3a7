# The "captures never trained on" claims of the model cards for rforest and
# svm, measured by tools/eval-unseen.sh (argus/ra and nfdump -B on the real
# captures, then a scan per capture). rforest-experimental is trained on these
# captures; its leave-one-out figures are checked by unseen_loo_slow.sh.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/unseen_lib.sh"
REPO=$(cd "$(dirname "$0")/../.." && pwd)

bash "$REPO/tools/eval-unseen.sh" -b "$BOTRECON" -d "$DATA" -m rforest > "$TMP/rf.md" 2> "$TMP/rf.err"
expect_eq "$?" "0" "eval-unseen.sh -m rforest runs"
expect_eq "$(($(wc -l < "$TMP/rf.md") - 2))" "20" "mypcap and 19 malicious captures in the table"
expect_eq "$(found_in "$TMP/rf.md" 0.5)" "" "rforest finds none of the malicious hosts"
expect_eq "$(others_in "$TMP/rf.md" mypcap.pcap)" "0 of 7" "rforest: nothing flagged in mypcap"

bash "$REPO/tools/eval-unseen.sh" -b "$BOTRECON" -d "$DATA" -m svm > "$TMP/svm.md" 2> "$TMP/svm.err"
expect_eq "$?" "0" "eval-unseen.sh -m svm runs"
expect_contains "$(head -1 "$TMP/svm.md")" "at or above 0 " "svm's threshold is 0"
expect_eq "$(found_in "$TMP/svm.md" 0)" "" "svm finds none of the malicious hosts"
expect_eq "$(others_in "$TMP/svm.md" mypcap.pcap)" "1 of 7" "svm: one host flagged in mypcap (::, model card)"
finish
