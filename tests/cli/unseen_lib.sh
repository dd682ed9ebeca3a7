# Helpers for reading tools/eval-unseen.sh tables (sourced by unseen*.sh).
found_in() {  # found_in TABLE THRESHOLD: captures whose infected host reaches it
  awk -F'|' -v t="$2" 'NR > 2 {
      n = split($3, parts, " "); hit = 0
      for (i = 1; i < n; ++i) if (parts[i] ~ /:$/ && parts[i + 1] + 0 >= t) hit = 1
      if (hit) { gsub(/ /, "", $2); printf "%s ", $2 }
    }' "$1"
}
others_in() {  # others_in TABLE CAPTURE: "N of M" other hosts flagged
  awk -F'|' -v c="$2" '{ name = $2; gsub(/ /, "", name) } name == c { gsub(/^ +| +$/, "", $4); print $4 }' "$1"
}
