# The built-in models are exactly what `botrecon train` makes from the
# documented recipes (tools/train-builtin-models.sh, README "Models",
# models/*.md): retrain all three into a temporary folder and compare bytes.
source "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
sh "$ROOT/tools/train-builtin-models.sh" "$BOTRECON" "$DATA" "$TMP" > "$TMP/log" 2>&1
RC=$?
ERR=$(tail -5 "$TMP/log")
expect_rc 0 "tools/train-builtin-models.sh"
for model in rforest svm rforest-experimental; do
  expect_same_file "$ROOT/models/$model.brm" "$TMP/$model.brm" "the $model recipe reproduces models/$model.brm"
done
finish
