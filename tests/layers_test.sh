#!/usr/bin/env bash
# Checks that no file of src/ includes a header of a higher layer, or of
# another folder of its own layer (cmake/layers.txt: one line per layer,
# lowest first). Include paths cannot stop `#include "cli/..."` in io/, so
# this test does. Also fails on a folder of src/ that the table does not list.
#
# Usage: layers_test.sh SRC_DIR LAYERS_TXT
# First checks itself on a small tree with one upward include, so that it can
# never pass by finding nothing.
set -euo pipefail

# Prints one line per violation in SRC_DIR ("file:line: ..."); exit 1 if any.
check_layers() {
  local src=$1 table=$2
  # folder -> rank, from the table (comments and blank lines skipped).
  declare -A rank=()
  local line folder n=0
  while IFS= read -r line; do
    line=${line%%#*}
    [[ -z ${line//[[:space:]]/} ]] && continue
    for folder in $line; do rank[$folder]=$n; done
    n=$((n + 1))
  done <"$table"

  local bad=0 dir
  for dir in "$src"/*/; do
    folder=$(basename "$dir")
    if [[ -z ${rank[$folder]+x} ]]; then
      echo "src/$folder/: not in $(basename "$table"): add it on the line of its layer"
      bad=1
    fi
  done

  local file lineno target own
  # grep -rn: "path:line:text" for every include of a "folder/..." header.
  while IFS=: read -r file lineno line; do
    own=${file#"$src"/}
    own=${own%%/*}
    [[ $line =~ include[[:space:]]*\"([A-Za-z0-9_]+)/ ]] || continue
    target=${BASH_REMATCH[1]}
    [[ $target == "$own" || -z ${rank[$own]+x} ]] && continue
    if [[ -z ${rank[$target]+x} ]]; then
      continue  # not a folder of src/ (a third-party "x/y.h")
    fi
    if ((rank[$target] >= rank[$own])); then
      echo "${file#"$src"/}:$lineno: $own (layer ${rank[$own]}) includes $target/ (layer ${rank[$target]}): only lower layers may be included"
      bad=1
    fi
  done < <(grep -rnE --include='*.h' --include='*.cc' --include='*.S' \
             '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[A-Za-z0-9_]+/' "$src" | sort -t: -k1,1 -k2,2n)
  return $bad
}

self_test() {
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  mkdir -p "$tmp/src/low" "$tmp/src/high"
  printf 'low\nhigh\n' >"$tmp/layers.txt"
  printf '#include "low/a.h"\n' >"$tmp/src/high/ok.cc"
  printf '// upward\n#include <vector>\n#include "high/b.h"\n' >"$tmp/src/low/bad.h"
  local out
  if out=$(check_layers "$tmp/src" "$tmp/layers.txt"); then
    echo "self-test: an upward include was not found"
    return 1
  fi
  if [[ $out != "low/bad.h:3: low (layer 0) includes high/ (layer 1): only lower layers may be included" ]]; then
    echo "self-test: unexpected report: $out"
    return 1
  fi
}

src=${1:?usage: layers_test.sh SRC_DIR LAYERS_TXT}
table=${2:?usage: layers_test.sh SRC_DIR LAYERS_TXT}
self_test
if ! check_layers "$src" "$table"; then
  echo "FAIL: includes against the layer order of $table"
  exit 1
fi
echo "ok: every #include \"folder/...\" in $src goes to a lower layer"
