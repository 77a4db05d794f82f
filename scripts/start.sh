#!/usr/bin/env sh
# The main job (`npm start`): train a TF-IDF model on IMDB with the CLI, then predict two reviews.
set -eu
shared="${SENTI_SHARED_DIR:-../shared}"
cli="node bin/senti-mlops.js"
$cli train --data "$shared/data/imdb/train.csv" --test "$shared/data/imdb/test.csv" \
  --ngram-range 1,2 --min-df 2 --sublinear-tf -C 4 --out model.bin
$cli predict --model model.bin "This movie was amazing!" "Terrible film, waste of time."
