#!/usr/bin/env sh
# The main job (`npm start`, after `node scripts/build-if-stale.mjs` has built what changed): the sentiment service on http://127.0.0.1:5001.
#
# The first time (when the registry has no sentiment-tfidf@champion yet) the CLI trains a TF-IDF
# model on the shared IMDB data (less the held-out texts), logs the run to the tracking store (an SQLite file in MLflow's
# schema, mlflow.db here) and registers it with the alias champion; then the service serves it.
# Every variable of the service can be set (see README, "Express service"); API_TOKEN enables
# POST /train_model.
set -eu
shared="${SENTI_SHARED_DIR:-../shared}"
export MLFLOW_TRACKING_URI="${MLFLOW_TRACKING_URI:-sqlite:///$PWD/mlflow.db}"
export MLFLOW_ARTIFACT_ROOT="${MLFLOW_ARTIFACT_ROOT:-$PWD/mlruns}"
export REGISTERED_MODEL_NAME="${REGISTERED_MODEL_NAME:-sentiment-tfidf}"
export MODEL_ALIAS="${MODEL_ALIAS:-champion}"
export EXPERIMENT_NAME="${EXPERIMENT_NAME:-sentiment}"
export TRAIN_DATA="${TRAIN_DATA:-$shared/data/imdb/train.csv}"
export HOST="${HOST:-127.0.0.1}"
export PORT="${PORT:-5001}"

# --holdout leaves out the texts the service's training jobs validate on (VALIDATION_SPLIT,
# TRAIN_SEED), so a job compares its model with this champion on texts neither has seen.
node bin/senti-mlops.js train --data "$TRAIN_DATA" --test "$shared/data/imdb/test.csv" \
  --holdout "${VALIDATION_SPLIT:-0.2}" --holdout-seed "${TRAIN_SEED:-42}" \
  --ngram-range 1,2 --min-df 2 --sublinear-tf -C 4 \
  --tracking-uri "$MLFLOW_TRACKING_URI" --experiment "$EXPERIMENT_NAME" --run-name bootstrap \
  --register "$REGISTERED_MODEL_NAME" --alias "$MODEL_ALIAS" --skip-if-registered

echo "serving on http://$HOST:$PORT — try: curl -X POST http://$HOST:$PORT/predict -H 'Content-Type: application/json' -d '{\"reviews\": [\"This movie was amazing!\"]}'" >&2
exec node examples/express-server/dist/main.js
