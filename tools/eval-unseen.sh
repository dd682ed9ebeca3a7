#!/bin/bash
# Scores the malicious captures of tools/captures.sh and the healthy machine's
# mypcap.pcap, one markdown row per capture: the infected host's mean score
# and how many other hosts reach the threshold (model cards, evaluations (3)
# and (4)).
#
#   tools/eval-unseen.sh [-b BOTRECON] [-d DATA_DIR] [MODEL ARGS...]
#   tools/eval-unseen.sh -m rforest                     # never trained on any of them
#   tools/eval-unseen.sh -M /tmp/mine.brm
#   tools/eval-unseen.sh --leave-one-out                # rforest-experimental, honestly:
#
# rforest-experimental is trained on these captures, so scoring them with it
# measures nothing; --leave-one-out retrains it once per capture without that
# capture (tools/train-builtin-models.sh with BOTRECON_LEAVE_OUT; about 10 s
# each on 2 cores) and scores the capture with that model.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/captures.sh
B=./build/botrecon
D=../shared/data
loo=0
while [ $# -ge 1 ]; do
  case $1 in
    -b) B=$2; shift 2 ;;
    -d) D=$2; shift 2 ;;
    --leave-one-out) loo=1; shift ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { [ $loo = 1 ] || set -- -m rforest; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
capture_flows "$D/captures/mypcap.pcap" "$T/mypcap.csv"
prepare_captures "$D" "$T" > "$T/captures"
{ echo "mypcap.pcap $T/mypcap.csv -"; cat "$T/captures"; } > "$T/list"

threshold=0.5
case " $* " in *" svm "* | *" SVM "*) threshold=0 ;; esac
echo "| capture | infected host: mean score (flows) | other hosts at or above $threshold |"
echo "|---|---|---|"
while read -r name file hosts; do
  model=("$@")
  if [ $loo = 1 ]; then
    mkdir -p "$T/loo"
    BOTRECON_RECIPES=rforest-experimental BOTRECON_LEAVE_OUT=$name BOTRECON_CAPTURE_LIST=$T/captures \
      sh tools/train-builtin-models.sh "$B" "$D" "$T/loo" < /dev/null
    model=(-M "$T/loo/rforest-experimental.brm")
  fi
  "$B" "${model[@]}" -y -s --threshold -1e300 "$file" "$T/out.csv" < /dev/null
  cells=""
  for h in ${hosts//,/ }; do
    [ "$h" = - ] && continue
    cells="$cells$(awk -F, -v h="$h" '$2 == h {printf "%s: %.2f (%d) ", h, $3, $4}' "$T/out.csv")"
  done
  others=$(awk -F, -v hs=",$hosts," -v t="$threshold" 'NR > 1 && $3 >= t && index(hs, "," $2 ",") == 0 {n++} END {print n + 0}' "$T/out.csv")
  echo "| $name | ${cells:-none (normal traffic)} | $others of $(($(wc -l < "$T/out.csv") - 1)) |"
done < "$T/list"
