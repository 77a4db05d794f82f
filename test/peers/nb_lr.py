"""Reference NB-LR for the nbScaling tests: scikit-learn's vectorizer, the log-count ratios in numpy,
and the fit by scikit-learn (two classes) or scipy's L-BFGS-B on the multinomial objective.

  nb_lr.py TRAIN.csv TEST.csv VEC_OPTIONS_JSON C ALPHA PROBA_OUT [bench]
prints one JSON line: {"classes": k, "features": d}; writes TEST's probabilities (float64,
row-major) to PROBA_OUT. With `bench` (two classes only), scikit-learn runs at its default tol
(1e-4, max_iter 1000) and the line also holds fit_s (vectorizer + ratios + classifier), peak_rss_mb,
accuracy and iterations: the scikit-learn pipeline bench/tfidf/choose-best.ts compares with.
"""
import csv
import json
import resource
import sys
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [r["text"] for r in rows], np.array([int(r["label"]) for r in rows])


def ratios(x, y, positive, alpha):
    """ln((p/|p|1) / (q/|q|1)) with p, q the smoothed feature sums of the class and of the rest."""
    p = alpha + np.asarray(x[y == positive].sum(axis=0)).ravel()
    q = alpha + np.asarray(x[y != positive].sum(axis=0)).ravel()
    return np.log(p / p.sum()) - np.log(q / q.sum())


def main(train_path, test_path, raw_vec, c, alpha, out, mode=""):
    opts = json.loads(raw_vec)
    if "ngram_range" in opts:
        opts["ngram_range"] = tuple(opts["ngram_range"])
    texts, y = read(train_path)
    test_texts, y_test = read(test_path)
    bench = mode == "bench"
    t0 = time.perf_counter()
    vec = TfidfVectorizer(**opts)
    x = vec.fit_transform(texts).tocsr()
    t1 = time.perf_counter()
    xt = vec.transform(test_texts).tocsr()
    t0 += time.perf_counter() - t1  # the test set's transform is not part of the fit
    classes = int(y.max()) + 1
    c, alpha = float(c), float(alpha)
    if classes == 2:
        r = ratios(x, y, 1, alpha)
        tol, max_iter = (1e-4, 1000) if bench else (1e-10, 100000)
        clf = LogisticRegression(C=c, tol=tol, max_iter=max_iter).fit(x.multiply(r).tocsr(), y)
        fit_s = time.perf_counter() - t0
        z = xt @ (clf.coef_.ravel() * r) + clf.intercept_[0]
        p1 = 1 / (1 + np.exp(-z))
        proba = np.stack([1 - p1, p1], axis=1)
    else:
        # Multinomial: scores X (W * R) + b, loss mean cross-entropy + |W|^2 / (2 C n).
        n, d = x.shape
        r = np.stack([ratios(x, y, k, alpha) for k in range(classes)], axis=1)
        onehot = np.eye(classes)[y]

        def objective(theta):
            w = theta[: d * classes].reshape(d, classes)
            b = theta[d * classes :]
            z = x @ (w * r) + b
            lse = logsumexp(z, axis=1)
            loss = np.sum(lse - z[np.arange(n), y]) / n + np.sum(w * w) / (2 * c * n)
            g = (np.exp(z - lse[:, None]) - onehot) / n
            gw = (x.T @ g) * r + w / (c * n)
            return loss, np.concatenate([np.asarray(gw).ravel(), g.sum(axis=0)])

        res = minimize(objective, np.zeros(d * classes + classes), jac=True, method="L-BFGS-B",
                       options={"maxiter": 100000, "gtol": 1e-10, "ftol": 1e-15})
        w = res.x[: d * classes].reshape(d, classes)
        z = xt @ (w * r) + res.x[d * classes :]
        proba = np.exp(z - logsumexp(z, axis=1)[:, None])
    np.asarray(proba, dtype=np.float64).tofile(out)
    result = {"classes": classes, "features": x.shape[1]}
    if bench:
        result.update(fit_s=fit_s, peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      accuracy=float(np.mean(np.argmax(proba, axis=1) == y_test)), iterations=int(clf.n_iter_[0]))
    print(json.dumps(result))


if __name__ == "__main__":
    main(*sys.argv[1:8])
