#!/usr/bin/env bash
# Quality of each --detect level per labelled capture of ../shared/data: infected
# hosts (with >= 20 flows) found, and other hosts (>= 20 flows) flagged, through
# the botrecon command line. Pcaps become flows with argus + ra, the nfdump file
# with nfdump -B (tools/captures.sh); Argus binetflows and Zeek logs are read as
# they are. CTU-13's non-infected hosts are unlabelled background, so their
# "flagged" count is an upper bound on false positives.
#
#   bench/detect_quality.sh [BUILD_DIR]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B=${1:-$repo/build}/botrecon
D=$repo/../shared/data
cd "$repo"
. tools/captures.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
capture_flows "$D/captures/mypcap.pcap" "$T/mypcap.csv"
prepare_captures "$D" "$T" > "$T/list"
{
  echo "ctu13-scenario6 $D/ctu13/scenario6-menti-first100min.binetflow 147.32.84.165"
  echo "ctu13-scenario11 $D/ctu13/scenario11-rbot.binetflow 147.32.84.165,147.32.84.191,147.32.84.192"
  cat "$T/list"
  echo "mypcap.pcap(normal) $T/mypcap.csv -"
  echo "ndpi-normal $D/flows/ndpi-normal/ndpi-apps.binetflow -"
} > "$T/all"

# flagged LEVEL FILE: hosts reported with >= 20 flows, one per line.
flagged() {
  "$B" -s -y -c 20 --detect "$1" --home-net 147.32.0.0/16 --home-net 10.0.0.0/8 --home-net 172.16.0.0/12 \
    --home-net 192.168.0.0/16 -o "$T/out.csv" "$2" < /dev/null
  tail -n +2 "$T/out.csv" | cut -d, -f2 | sort -u
}

echo "| capture | infected (>= 20 flows) | found: model | default | all | others flagged (of N with >= 20 flows): model | default | all |"
echo "|---|---|---|---|---|---|---|---|"
total_inf=0; declare -A found_sum=([model]=0 [default]=0 [all]=0) fp_sum=([model]=0 [default]=0 [all]=0)
total_others=0
while read -r name file hosts; do
  "$B" -s -y -c 20 --detect model --threshold -1e300 -o "$T/every.csv" "$file" < /dev/null
  tail -n +2 "$T/every.csv" | cut -d, -f2 | sort -u > "$T/every"
  printf '%s\n' ${hosts//,/ } | grep -v '^-$' | sort -u | comm -12 - "$T/every" > "$T/infected" || true
  n_inf=$(wc -l < "$T/infected")
  n_others=$(comm -23 "$T/every" "$T/infected" | wc -l)
  row="| $name | $n_inf"
  fps=""
  for level in model default all; do
    flagged "$level" "$file" > "$T/flagged"
    f=$(comm -12 "$T/flagged" "$T/infected" | wc -l)
    o=$(comm -23 "$T/flagged" "$T/infected" | wc -l)
    row="$row | $f"
    fps="$fps | $o of $n_others"
    found_sum[$level]=$((found_sum[$level] + f)); fp_sum[$level]=$((fp_sum[$level] + o))
  done
  total_inf=$((total_inf + n_inf)); total_others=$((total_others + n_others))
  echo "$row$fps |"
done < "$T/all"
echo "| **total** | $total_inf | ${found_sum[model]} | ${found_sum[default]} | ${found_sum[all]} | ${fp_sum[model]} of $total_others | ${fp_sum[default]} of $total_others | ${fp_sum[all]} of $total_others |"
