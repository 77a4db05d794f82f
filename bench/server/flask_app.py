"""The Flask peer of bench/server: the reference Flask service's prediction route, on scikit-learn.

`POST /predict` with `{"reviews": [...]}` answers
`{"model": "TF-IDF", "predictions": ["Positive", ...], "scores": [...], "count": n, "model_version": null}`,
the JSON the Express service answers (scores are the predicted label's probability, as ours). The
model is a scikit-learn Pipeline (TfidfVectorizer + LogisticRegression) pickled by the `train`
subcommand below and loaded once per worker when gunicorn builds the app (no --preload):

    gunicorn -w 2 -k sync -b 127.0.0.1:PORT --chdir bench/server 'flask_app:create_app()'
    (with BENCH_SERVER_MODEL=/path/to/model.pkl)

    python bench/server/flask_app.py train TRAIN.csv OUT.pkl VEC_OPTIONS_JSON CLF_OPTIONS_JSON
        fits the pipeline on TRAIN.csv (text,label) and pickles it to OUT.pkl; prints one JSON line
"""
import csv
import json
import os
import pickle
import sys
import time

MAX_REVIEWS = 256
MAX_REVIEW_CHARS = 20000


def error(message, status=400):
    from flask import jsonify

    return jsonify(error_code="INVALID_PARAMETER_VALUE", message=message), status


def create_app(model_path=None):
    """Loads the pickled pipeline (once per worker) and returns the Flask app."""
    import numpy as np
    from flask import Flask, jsonify, request

    path = model_path or os.environ["BENCH_SERVER_MODEL"]
    with open(path, "rb") as f:
        model = pickle.load(f)
    # Label 1 = positive, 0 = negative, as the shared data and senti-mlops name them.
    names = ["Positive" if int(c) == 1 else "Negative" for c in model.classes_]
    app = Flask(__name__)
    # bench/server/run.ts waits for this line from every worker before measuring.
    print(f"[flask_app] model loaded in worker {os.getpid()}", file=sys.stderr, flush=True)

    @app.get("/health")
    def health():
        return jsonify(status="healthy", service="ML Prediction Service", models={"tfidf": True, "bert": False})

    @app.post("/predict")
    def predict():
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            return error("request body must be a JSON object")
        reviews = data.get("reviews")
        if not isinstance(reviews, list) or not reviews:
            return error("reviews must be a non-empty array of strings")
        if len(reviews) > MAX_REVIEWS:
            return error(f"reviews has {len(reviews)} items; at most {MAX_REVIEWS}")
        for i, r in enumerate(reviews):
            if not isinstance(r, str):
                return error(f"reviews[{i}] must be a string")
            if len(r) > MAX_REVIEW_CHARS:
                return error(f"reviews[{i}] is longer than {MAX_REVIEW_CHARS} characters")
        proba = model.predict_proba(reviews)
        best = proba.argmax(axis=1)
        return jsonify(
            model="TF-IDF",
            predictions=[names[i] for i in best],
            scores=proba[np.arange(len(reviews)), best].tolist(),
            count=len(reviews),
            model_version=None,
        )

    return app


def train(train_path, out_path, raw_vec, raw_clf):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    with open(train_path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    texts = [r["text"] for r in rows]
    labels = [int(r["label"]) for r in rows]
    vec = json.loads(raw_vec)
    if "ngram_range" in vec:
        vec["ngram_range"] = tuple(vec["ngram_range"])
    model = make_pipeline(TfidfVectorizer(**vec), LogisticRegression(**json.loads(raw_clf)))
    t0 = time.perf_counter()
    model.fit(texts, labels)
    fit_s = time.perf_counter() - t0
    tmp = out_path + ".tmp"
    with open(tmp, "wb") as f:
        pickle.dump(model, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, out_path)
    print(json.dumps({"fit_s": fit_s, "rows": len(texts), "features": len(model[0].vocabulary_)}))


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "train":
        train(*sys.argv[2:])
    else:
        sys.exit(__doc__)
