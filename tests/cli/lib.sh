# Shared helpers for the CLI tests. Each test script is run by ctest as
#   bash tests/cli/NAME.sh BOTRECON SHARED_DATA FIXTURES
set -u
BOTRECON=$1
DATA=$2
FIXTURES=$3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
FAILS=0
PASSES=0

pass() { PASSES=$((PASSES + 1)); }
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }

# run ARGS...: runs botrecon with stdin from /dev/null and a time limit;
# sets RC, OUT, ERR.
run() {
  timeout 120 "$BOTRECON" "$@" < /dev/null > "$TMP/out" 2> "$TMP/err"
  RC=$?
  OUT=$(cat "$TMP/out")
  ERR=$(cat "$TMP/err")
}

expect_rc() {  # expect_rc WANT DESCRIPTION
  if [ "$RC" -eq "$1" ]; then pass; else fail "$2: exit $RC, expected $1; stderr: $ERR"; fi
}
expect_contains() {  # expect_contains HAYSTACK NEEDLE DESCRIPTION
  case "$1" in *"$2"*) pass ;; *) fail "$3: expected to find '$2' in: $1" ;; esac
}
expect_eq() {  # expect_eq GOT WANT DESCRIPTION
  if [ "$1" = "$2" ]; then pass; else fail "$3: got '$1', expected '$2'"; fi
}
expect_same_file() {  # expect_same_file A B DESCRIPTION
  if cmp -s "$1" "$2"; then pass; else fail "$3: $1 and $2 differ"; diff "$1" "$2" | head -5; fi
}
# hosts_of CSV: the Host column of a result CSV, sorted, one line.
hosts_of() { tail -n +2 "$1" | cut -d, -f2 | sort | tr '\n' ' ' | sed 's/ $//'; }

finish() {
  echo "$PASSES passed, $FAILS failed"
  [ "$FAILS" -eq 0 ]
}
