"""scikit-learn side of bench/tfidf: the same task as senti-mlops, timed in the same run.

Usage: python sklearn_peer.py TRAIN.csv TEST.csv '{"ngram_range":[1,2],"min_df":2,"sublinear_tf":true}' '{"C":4,"max_iter":1000}'
Prints one JSON line: fit/predict seconds, peak RSS, accuracy, predicted labels digest.
"""
import csv
import json
import resource
import sys
import time

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [r["text"] for r in rows], np.array([int(r["label"]) for r in rows])


def main():
    train_path, test_path, vec_opts, clf_opts = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
    if "ngram_range" in vec_opts:
        vec_opts["ngram_range"] = tuple(vec_opts["ngram_range"])
    x_train, y_train = read(train_path)
    x_test, y_test = read(test_path)
    model = make_pipeline(TfidfVectorizer(**vec_opts), LogisticRegression(**clf_opts))
    t0 = time.perf_counter()
    model.fit(x_train, y_train)
    fit_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    proba = model.predict_proba(x_test)[:, 1]
    predict_s = time.perf_counter() - t0
    pred = (proba > 0.5).astype(int)
    print(json.dumps({
        "fit_s": fit_s,
        "predict_s": predict_s,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "accuracy": float((pred == y_test).mean()),
        "features": len(model[0].vocabulary_),
        "iterations": int(model[1].n_iter_[0]),
        "predictions": "".join(map(str, pred.tolist())),
    }))


if __name__ == "__main__":
    main()
