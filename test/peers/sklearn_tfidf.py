"""scikit-learn side of the TF-IDF parity tests and of bench/tfidf.

Subcommands (all print one JSON line on stdout):
  vectorize TRAIN.csv VEC_OPTIONS_JSON OUTDIR
      fit TfidfVectorizer; write vocab.json, indptr/indices (int32), data/idf (float64) to OUTDIR
  fit-predict TRAIN.csv TEST.csv VEC_OPTIONS_JSON CLF_OPTIONS_JSON [PROBA_OUT]
      fit TfidfVectorizer + LogisticRegression, time fit and predict_proba on TEST
  metrics Y_TRUE.bin PROBA.bin N_CLASSES
      scikit-learn's metrics of given probabilities (int32 labels, float64 row-major probabilities)
  analyze TEXTS.json VEC_OPTIONS_JSON
      build_analyzer() of an unfitted TfidfVectorizer on each text (a JSON array of string lists)
  unicode OUTDIR
      Python's \\w (str.isalnum() or "_"), assigned code points, and str.lower() differences
"""
import csv
import json
import os
import resource
import sys
import time
import unicodedata

import numpy as np


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [r["text"] for r in rows], np.array([int(r["label"]) for r in rows])


def vec_options(raw):
    opts = json.loads(raw)
    if "ngram_range" in opts:
        opts["ngram_range"] = tuple(opts["ngram_range"])
    return opts


def vectorize(train_path, raw_opts, outdir):
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts, _ = read(train_path)
    vec = TfidfVectorizer(**vec_options(raw_opts))
    x = vec.fit_transform(texts).tocsr()
    x.sort_indices()
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vec.get_feature_names_out().tolist(), f, ensure_ascii=False)
    x.indptr.astype(np.int32).tofile(os.path.join(outdir, "indptr.bin"))
    x.indices.astype(np.int32).tofile(os.path.join(outdir, "indices.bin"))
    x.data.astype(np.float64).tofile(os.path.join(outdir, "data.bin"))
    idf = getattr(vec, "idf_", None)
    (idf if idf is not None else np.zeros(0)).astype(np.float64).tofile(os.path.join(outdir, "idf.bin"))
    print(json.dumps({"rows": x.shape[0], "cols": x.shape[1], "nnz": int(x.nnz)}))


def fit_predict(train_path, test_path, raw_vec, raw_clf, proba_out=None):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    x_train, y_train = read(train_path)
    x_test, y_test = read(test_path)
    model = make_pipeline(TfidfVectorizer(**vec_options(raw_vec)), LogisticRegression(**json.loads(raw_clf)))
    t0 = time.perf_counter()
    model.fit(x_train, y_train)
    fit_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    proba = model.predict_proba(x_test)
    predict_s = time.perf_counter() - t0
    pred = model.classes_[proba.argmax(axis=1)]
    if proba_out:
        proba.astype(np.float64).tofile(proba_out)
    print(json.dumps({
        "fit_s": fit_s,
        "predict_s": predict_s,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "accuracy": float((pred == y_test).mean()),
        "features": len(model[0].vocabulary_),
        "iterations": int(np.max(model[1].n_iter_)),
        "predictions": "".join(map(str, pred.tolist())),
    }))


def metrics(y_path, proba_path, k):
    from sklearn import metrics as m

    k = int(k)
    y = np.fromfile(y_path, dtype=np.int32)
    proba = np.fromfile(proba_path, dtype=np.float64).reshape(-1, k)
    pred = proba.argmax(axis=1)
    avg = "binary" if k == 2 else "macro"
    out = {
        "accuracy": m.accuracy_score(y, pred),
        "precision": m.precision_score(y, pred, average=avg, zero_division=0),
        "recall": m.recall_score(y, pred, average=avg, zero_division=0),
        "f1": m.f1_score(y, pred, average=avg, zero_division=0),
        "rocAuc": m.roc_auc_score(y, proba[:, 1]) if k == 2 else m.roc_auc_score(y, proba, multi_class="ovr", average="macro"),
        "logLoss": m.log_loss(y, proba, labels=list(range(k))),
        "confusionMatrix": m.confusion_matrix(y, pred, labels=list(range(k))).tolist(),
    }
    print(json.dumps(out))


def analyze(texts_path, raw_opts):
    from sklearn.feature_extraction.text import TfidfVectorizer

    with open(texts_path, encoding="utf-8") as f:
        texts = json.load(f)
    analyzer = TfidfVectorizer(**vec_options(raw_opts)).build_analyzer()
    print(json.dumps([analyzer(t) for t in texts], ensure_ascii=True))


def unicode_tables(outdir):
    os.makedirs(outdir, exist_ok=True)
    word = bytearray(0x110000)
    assigned = bytearray(0x110000)
    lower = {}
    for cp in range(0x110000):
        ch = chr(cp)
        word[cp] = 1 if (ch.isalnum() or ch == "_") else 0
        assigned[cp] = 0 if unicodedata.category(ch) == "Cn" else 1
        if 0xD800 <= cp <= 0xDFFF:
            continue
        low = ch.lower()
        if low != ch:
            lower[cp] = low
    with open(os.path.join(outdir, "word.bin"), "wb") as f:
        f.write(word)
    with open(os.path.join(outdir, "assigned.bin"), "wb") as f:
        f.write(assigned)
    with open(os.path.join(outdir, "lower.json"), "w", encoding="utf-8") as f:
        json.dump(lower, f, ensure_ascii=False)
    print(json.dumps({"unicode": unicodedata.unidata_version, "lower": len(lower)}))


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"vectorize": vectorize, "fit-predict": fit_predict, "metrics": metrics, "unicode": unicode_tables, "analyze": analyze}[command](*args)
