# The built-in models are exactly what `botrecon train` makes from the
# documented recipes (README "Models", models/*.md): retrain and compare bytes.
source "$(dirname "$0")/lib.sh"
MODELS=$(cd "$(dirname "$0")/../../models" && pwd)
D=$DATA/ctu13
RECIPE_INPUTS=("$D/scenario6-menti-first100min.binetflow@:70" "$D/scenario11-rbot.binetflow" "$D/scenario5-virut-head.binetflow")

run train -s --seed 1 --exclude "$DATA/original-tests/test.csv" -o "$TMP/rforest.brm" "${RECIPE_INPUTS[@]}"
expect_rc 0 "rforest recipe"
expect_same_file "$MODELS/rforest.brm" "$TMP/rforest.brm" "the rforest recipe reproduces models/rforest.brm"

run train -s --model-type svm --seed 1 --exclude "$DATA/original-tests/test.csv" -o "$TMP/svm.brm" "${RECIPE_INPUTS[@]}"
expect_rc 0 "svm recipe"
expect_same_file "$MODELS/svm.brm" "$TMP/svm.brm" "the svm recipe reproduces models/svm.brm"

finish
