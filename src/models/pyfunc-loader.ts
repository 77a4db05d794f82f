/**
 * The Python loader of the `python_function` flavor: the text of `code/senti_mlops_pyfunc.py`,
 * which {@link pythonFunctionFlavor} writes into every TF-IDF and BERT model folder. It is kept
 * here, as a string, so that every runtime that packages a model (Node, browsers, the CLI run from
 * source) has it without a file system or a bundler plugin; the tests run it with real MLflow.
 *
 * @module
 */

/**
 * The source of the `senti_mlops_pyfunc` Python module (see the module comment).
 *
 * @example
 * ```ts
 * files.push({ path: "code/senti_mlops_pyfunc.py", bytes: new TextEncoder().encode(PYFUNC_LOADER_SOURCE) });
 * ```
 */
export const PYFUNC_LOADER_SOURCE = String.raw`"""MLflow's python_function flavor for models logged by senti-mlops (TypeScript).

senti-mlops writes this file into every model folder it logs, as 'code/senti_mlops_pyfunc.py',
and names it as the 'loader_module' of the folder's 'python_function' flavor, so that a Python
team can use the model without Node::

    model = mlflow.pyfunc.load_model("models:/sentiment@champion")
    model.predict(pd.DataFrame({"text": ["a great film"]}))   # columns label, score
    model.get_raw_model().predict_proba(["a great film"])     # one column per label

and 'mlflow models serve -m models:/sentiment@champion' answers '/invocations' as the Express
reference service does. Predictions are those of senti-mlops: the same labels, and the same
probabilities up to floating-point rounding.

- TF-IDF models ('model.senti') need numpy only: the file format is read here and the
  vectorizer follows scikit-learn's 'TfidfVectorizer' semantics, which senti-mlops reproduces.
- BERT models (a Hugging Face ONNX folder) need onnxruntime and tokenizers.

The file reader and vectorizer are written here rather than built from scikit-learn objects so
that a TF-IDF model needs nothing heavier than numpy, and so that every option senti-mlops saves
(character analyzers, int8/float16 weights, front-coded vocabularies) loads the same way.
"""

import hashlib
import json
import os
import re
import struct
import unicodedata
from collections import Counter

import numpy as np

# The newest TF-IDF file format this loader reads (senti-mlops' TFIDF_FORMAT_VERSION).
TFIDF_FORMAT_VERSION = 2
# The newest BERT folder layout this loader reads (senti-mlops' BERT_FORMAT_VERSION).
BERT_FORMAT_VERSION = 1

_MAGIC = b"SENTITF\0"
_DIGEST = 32
_DEFAULT_TOKEN_PATTERN = r"(?u)\b\w\w+\b"
_WHITE_SPACES = re.compile(r"\s\s+")
_WEIGHT_DTYPES = {"f64": "<f8", "f32": "<f4", "f16": "<f2", "i8": "i1"}
_LENGTH_DTYPES = {"u8": "u1", "u16": "<u2", "u32": "<u4"}
_DEFAULT_MAX_LENGTH = 512


class SentiMlopsModelError(ValueError):
    """A model folder or an input this loader cannot use; the message names what is wrong."""


# --- the model folder -------------------------------------------------------------------------


def _read_flavor(root):
    """The 'senti_mlops' flavor of the folder's MLmodel (PyYAML comes with MLflow)."""
    import yaml

    path = os.path.join(root, "MLmodel")
    if not os.path.isfile(path):
        raise SentiMlopsModelError(f"no MLmodel file in {root}: not an MLflow model folder")
    with open(path, encoding="utf-8") as f:
        mlmodel = yaml.safe_load(f)
    flavor = (mlmodel or {}).get("flavors", {}).get("senti_mlops")
    if not isinstance(flavor, dict):
        raise SentiMlopsModelError(f"the MLmodel in {root} has no senti_mlops flavor")
    return flavor


def _read_verified(root, flavor, relative):
    """The bytes of a file of the folder, checked against its SHA-256 in the flavor."""
    listed = flavor.get("files", {}).get(relative)
    if listed is None:
        raise SentiMlopsModelError(f"{relative} is not listed in the MLmodel of {root}")
    path = os.path.join(root, relative)
    if not os.path.isfile(path):
        raise SentiMlopsModelError(f"{relative}, listed in the MLmodel of {root}, is missing")
    with open(path, "rb") as f:
        data = f.read()
    if len(data) != listed["size"] or hashlib.sha256(data).hexdigest() != listed["sha256"]:
        raise SentiMlopsModelError(
            f"{relative} in {root} does not match its checksum in MLmodel: the model is corrupt or was modified"
        )
    return data


# --- TF-IDF --------------------------------------------------------------------------------------


def _decode_weights(data, dtype, scales, name):
    if dtype not in _WEIGHT_DTYPES:
        raise SentiMlopsModelError(f"model file's {name} section has an unknown dtype {dtype!r}")
    values = np.frombuffer(data, dtype=_WEIGHT_DTYPES[dtype]).astype(np.float64)
    if dtype == "i8":
        if not scales:
            raise SentiMlopsModelError(f"model file's {name} section is int8 but has no scales")
        # Element i stands for int8[i] * scales[i % len(scales)] (one scale per weight column).
        values = (values.reshape(-1, len(scales)) * np.asarray(scales, dtype=np.float64)).reshape(-1)
    return values


def _decode_vocabulary(text_bytes, shared, lengths):
    """Front-coded terms: shared prefixes and lengths count UTF-16 code units, as JavaScript does."""
    text = text_bytes.decode("utf-8")
    shared = shared.tolist()
    lengths = lengths.tolist()
    terms = [None] * len(lengths)
    previous = ""
    at = 0
    if text.isascii():  # one code unit per character: slice the text itself
        for i, (keep, length) in enumerate(zip(shared, lengths)):
            previous = previous[:keep] + text[at : at + length]
            terms[i] = previous
            at += length
        return terms
    units = text.encode("utf-16-le")
    previous_units = b""
    for i, (keep, length) in enumerate(zip(shared, lengths)):
        previous_units = previous_units[: 2 * keep] + units[2 * at : 2 * (at + length)]
        terms[i] = previous_units.decode("utf-16-le")
        at += length
    return terms


def read_tfidf_file(data):
    """Reads a senti-mlops TF-IDF model file (format 1 or 2) into its header and arrays."""
    if data[:8] != _MAGIC:
        raise SentiMlopsModelError("not a senti-mlops TF-IDF model file (bad magic bytes)")
    if len(data) < 16 + _DIGEST:
        raise SentiMlopsModelError(f"truncated model file: {len(data)} bytes")
    version, header_length = struct.unpack_from("<II", data, 8)
    if version == 0 or version > TFIDF_FORMAT_VERSION:
        raise SentiMlopsModelError(
            f"model file format version {version} is newer than this loader reads ({TFIDF_FORMAT_VERSION}): "
            "log the model again with the senti-mlops version that reads it"
        )
    if hashlib.sha256(data[:-_DIGEST]).digest() != data[-_DIGEST:]:
        raise SentiMlopsModelError("model file is corrupt: SHA-256 checksum mismatch")
    header = json.loads(data[16 : 16 + header_length].decode("utf-8"))
    body = (16 + header_length + 7) & ~7
    sections = {s["name"]: s for s in header["sections"]}

    def section(name):
        s = sections.get(name)
        if s is None:
            raise SentiMlopsModelError(f"model file lacks the {name} section")
        return data[body + s["offset"] : body + s["offset"] + s["length"]]

    def weights(name, expected):
        s = sections[name]
        dtype = "f64" if version == 1 else s.get("dtype")
        values = _decode_weights(section(name), dtype, s.get("scales"), name)
        if values.size != expected:
            raise SentiMlopsModelError(f"model file's {name} section has {values.size} values, expected {expected}")
        return values

    length_dtype = "u32" if version == 1 else sections["vocabLengths"].get("dtype")
    if length_dtype not in _LENGTH_DTYPES:
        raise SentiMlopsModelError(f"model file's vocabLengths section has an unknown dtype {length_dtype!r}")
    lengths = np.frombuffer(section("vocabLengths"), dtype=_LENGTH_DTYPES[length_dtype])
    shared = np.zeros(lengths.size, dtype=np.uint8) if version == 1 else np.frombuffer(section("vocabShared"), dtype=np.uint8)
    features = header["features"]
    if lengths.size != features or shared.size != features:
        raise SentiMlopsModelError("vocabulary does not match the header")
    vocabulary = _decode_vocabulary(section("vocabText"), shared, lengths)
    width = 1 if header["classes"] == 2 else header["classes"]
    idf = weights("idf", features) if header["vectorizer"].get("useIdf", True) else None
    coef = weights("coef", features * width).reshape(features, width)
    intercept = weights("intercept", width)
    return header, vocabulary, idf, coef, intercept


def _strip_accents_unicode(text):
    normalized = unicodedata.normalize("NFKD", text)
    if normalized == text:
        return text
    return "".join(c for c in normalized if not unicodedata.combining(c))


def _strip_accents_ascii(text):
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _word_ngrams(tokens, low, high):
    if high == 1:
        return tokens
    grams = list(tokens) if low == 1 else []
    for n in range(max(low, 2), min(high, len(tokens)) + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


def _char_ngrams(text, low, high):
    text = _WHITE_SPACES.sub(" ", text)
    grams = []
    for n in range(low, min(high, len(text)) + 1):
        grams.extend(text[i : i + n] for i in range(len(text) - n + 1))
    return grams


def _char_wb_ngrams(text, low, high):
    grams = []
    for word in _WHITE_SPACES.sub(" ", text).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            if n >= len(padded):
                # A word no longer than n gives one n-gram, itself padded (and none longer), as scikit-learn's.
                grams.append(padded)
                break
            grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


class TfidfSentimentModel:
    """A senti-mlops TF-IDF model: vectorizer, linear classifier and labels."""

    kind = "tfidf"

    def __init__(self, data, model_config=None):
        header, vocabulary, idf, coef, intercept = read_tfidf_file(data)
        self.labels = list(header["labels"])
        self.options = header["vectorizer"]
        self.vocabulary = {term: i for i, term in enumerate(vocabulary)}
        self.idf = idf
        self.coef = coef
        self.intercept = intercept
        self._analyze = self._analyzer(model_config or {})

    def _analyzer(self, model_config):
        o = self.options
        # The token pattern in Python's syntax, which senti-mlops writes into the flavor's 'config'
        # when the model has one of its own (the model file keeps the JavaScript pattern).
        token_pattern = model_config.get("token_pattern")
        lowercase = o.get("lowercase", True)
        strip = {"unicode": _strip_accents_unicode, "ascii": _strip_accents_ascii}.get(o.get("stripAccents"))

        def preprocess(text):
            text = text.lower() if lowercase else text
            return strip(text) if strip else text

        low, high = o.get("ngramRange", [1, 1])
        analyzer = o.get("analyzer") or "word"
        if analyzer == "char":
            return lambda text: _char_ngrams(preprocess(text), low, high)
        if analyzer == "char_wb":
            return lambda text: _char_wb_ngrams(preprocess(text), low, high)
        if o.get("tokenPattern") is not None and token_pattern is None:
            raise SentiMlopsModelError(
                f"the model's token pattern /{o['tokenPattern']['source']}/ has no Python equivalent in its MLmodel"
            )
        try:
            pattern = re.compile(token_pattern or _DEFAULT_TOKEN_PATTERN)
        except re.error as e:
            raise SentiMlopsModelError(f"the model's token pattern {token_pattern!r} is not valid in Python: {e}") from e
        stop_words = o.get("stopWords")
        if stop_words is None and o.get("stopWordsName"):
            # A named list is not in the model file; senti-mlops writes it into the flavor's 'config' (MLflow's model_config).
            stop_words = (model_config or {}).get("stop_words")
            if stop_words is None:
                raise SentiMlopsModelError(f"the model's {o['stopWordsName']!r} stop words are missing from its MLmodel's python_function config")
        stop = frozenset(stop_words or ())

        def analyze(text):
            tokens = pattern.findall(preprocess(text))
            if stop:
                tokens = [t for t in tokens if t not in stop]
            return _word_ngrams(tokens, low, high)

        return analyze

    def _matrix(self, texts):
        """The TF-IDF rows of the texts, as CSR arrays (row ids, column ids, values)."""
        o = self.options
        vocabulary = self.vocabulary
        rows, cols, values = [], [], []
        for row, text in enumerate(texts):
            counts = Counter(j for j in map(vocabulary.get, self._analyze(text)) if j is not None)
            rows.extend([row] * len(counts))
            cols.extend(counts.keys())
            values.extend(counts.values())
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        values = np.asarray(values, dtype=np.float64)
        if o.get("binary"):
            values = np.ones_like(values)
        elif o.get("sublinearTf"):
            values = np.log(values) + 1.0
        if self.idf is not None:
            values = values * self.idf[cols]
        norm = o.get("norm", "l2")
        if norm in ("l1", "l2"):
            size = np.bincount(rows, weights=np.abs(values) if norm == "l1" else values * values, minlength=len(texts))
            if norm == "l2":
                size = np.sqrt(size)
            size[size == 0] = 1.0
            values = values / size[rows]
        return rows, cols, values

    def predict_proba(self, texts):
        """Probabilities of each label (columns in 'labels' order) for each text."""
        texts = list(texts)
        rows, cols, values = self._matrix(texts)
        width = self.coef.shape[1]
        scores = np.empty((len(texts), width))
        for c in range(width):
            scores[:, c] = self.intercept[c] + np.bincount(rows, weights=values * self.coef[cols, c], minlength=len(texts))
        if width == 1:
            positive = 1.0 / (1.0 + np.exp(-scores[:, 0]))
            return np.column_stack([1.0 - positive, positive])
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        return scores / scores.sum(axis=1, keepdims=True)


# --- BERT ----------------------------------------------------------------------------------------


class BertSentimentModel:
    """A sequence-classification BERT in Hugging Face's ONNX layout, run by onnxruntime."""

    kind = "bert"

    def __init__(self, root, flavor, batch_size=32):
        import onnxruntime
        from tokenizers import Tokenizer

        files = flavor.get("files", {})
        onnx_file = next((f for f in ("onnx/model.onnx", "onnx/model_quantized.onnx") if f in files), None)
        if onnx_file is None:
            raise SentiMlopsModelError(f"the BERT model in {root} lists no onnx/model.onnx or onnx/model_quantized.onnx")
        config = json.loads(_read_verified(root, flavor, "config.json"))
        tokenizer_config = json.loads(_read_verified(root, flavor, "tokenizer_config.json"))
        id2label = config.get("id2label") or {}
        self.labels = [id2label[str(i)] for i in range(len(id2label))]
        self.sigmoid = config.get("problem_type") == "multi_label_classification"
        limits = [_DEFAULT_MAX_LENGTH]
        if isinstance(tokenizer_config.get("model_max_length"), (int, float)) and tokenizer_config["model_max_length"] > 0:
            limits.append(int(tokenizer_config["model_max_length"]))
        if isinstance(config.get("max_position_embeddings"), int) and config["max_position_embeddings"] > 0:
            limits.append(config["max_position_embeddings"])
        self.tokenizer = Tokenizer.from_str(_read_verified(root, flavor, "tokenizer.json").decode("utf-8"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=min(limits))
        self.pad_id = config.get("pad_token_id") if isinstance(config.get("pad_token_id"), int) else 0
        self.session = onnxruntime.InferenceSession(
            _read_verified(root, flavor, onnx_file), providers=["CPUExecutionProvider"]
        )
        self.inputs = {i.name for i in self.session.get_inputs()}
        outputs = [o.name for o in self.session.get_outputs()]
        self.output = "logits" if "logits" in outputs else outputs[0]
        self.batch_size = batch_size

    def predict_proba(self, texts):
        """Probabilities of each label (columns in 'labels' order) for each text."""
        encodings = self.tokenizer.encode_batch(list(texts))
        out = np.empty((len(encodings), len(self.labels)))
        # Texts of similar length share a batch, so little of each batch is padding.
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            width = max(len(encodings[i].ids) for i in batch)
            ids = np.full((len(batch), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            types = np.zeros((len(batch), width), dtype=np.int64)
            for r, i in enumerate(batch):
                e = encodings[i]
                ids[r, : len(e.ids)] = e.ids
                mask[r, : len(e.ids)] = 1
                types[r, : len(e.ids)] = e.type_ids
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            logits = self.session.run([self.output], {k: v for k, v in feeds.items() if k in self.inputs})[0]
            out[batch] = logits.astype(np.float64)
        if self.sigmoid:
            return 1.0 / (1.0 + np.exp(-out))
        out -= out.max(axis=1, keepdims=True)
        np.exp(out, out=out)
        return out / out.sum(axis=1, keepdims=True)


# --- the python_function interface -------------------------------------------------------------


def _texts(model_input):
    """The texts of a pyfunc input: a DataFrame's 'text' column (or its only column), a Series,
    a list or array of strings, or one string."""
    import pandas as pd

    if isinstance(model_input, pd.DataFrame):
        if "text" in model_input.columns:
            values = model_input["text"]
        elif len(model_input.columns) == 1:
            values = model_input.iloc[:, 0]
        else:
            raise SentiMlopsModelError(
                f"the input must have a 'text' column (or exactly one column), got columns {list(model_input.columns)}"
            )
        values = values.tolist()
    elif isinstance(model_input, pd.Series):
        values = model_input.tolist()
    elif isinstance(model_input, str):
        values = [model_input]
    elif isinstance(model_input, dict) and "text" in model_input:
        values = model_input["text"]
        values = [values] if isinstance(values, str) else list(values)
    elif isinstance(model_input, (list, tuple, np.ndarray)):
        values = np.asarray(model_input, dtype=object).reshape(-1).tolist()
    else:
        raise SentiMlopsModelError(f"the input must be a DataFrame with a 'text' column or a list of strings, got {type(model_input).__name__}")
    for i, value in enumerate(values):
        if not isinstance(value, str):
            raise SentiMlopsModelError(f"text {i} must be a string, got {type(value).__name__}")
    return values


class SentiMlopsPyfunc:
    """What 'mlflow.pyfunc.load_model' wraps: 'predict' gives a DataFrame of 'label' and
    'score' (the most probable label and its probability), one row per text, as senti-mlops'
    'predict' and the Express service's '/invocations' answer."""

    def __init__(self, model):
        self.model = model
        self.labels = list(model.labels)

    def get_raw_model(self):
        """The model itself (what MLflow's 'PyFuncModel.get_raw_model()' returns): its 'labels',
        and 'predict_proba(texts)', an array with one row per text and one column per label."""
        return self.model

    def predict(self, model_input, params=None):
        import pandas as pd

        proba = self.model.predict_proba(_texts(model_input))
        best = proba.argmax(axis=1) if len(proba) else np.zeros(0, dtype=np.int64)
        return pd.DataFrame(
            {"label": [self.labels[i] for i in best], "score": proba[np.arange(len(best)), best]},
            columns=["label", "score"],
        )


def load_model(root, model_config=None):
    """The model of a senti-mlops model folder (the folder holding 'MLmodel')."""
    flavor = _read_flavor(root)
    kind = flavor.get("model_kind")
    version = flavor.get("format_version", 0)
    if kind == "tfidf":
        if version > TFIDF_FORMAT_VERSION:
            raise SentiMlopsModelError(f"the TF-IDF model in {root} has format {version}; this loader reads up to {TFIDF_FORMAT_VERSION}")
        return SentiMlopsPyfunc(TfidfSentimentModel(_read_verified(root, flavor, flavor["data"]), model_config))
    if kind == "bert":
        if version > BERT_FORMAT_VERSION:
            raise SentiMlopsModelError(f"the BERT model in {root} has format {version}; this loader reads up to {BERT_FORMAT_VERSION}")
        return SentiMlopsPyfunc(BertSentimentModel(root, flavor))
    raise SentiMlopsModelError(f"the model in {root} is of kind {kind!r}; this loader reads tfidf and bert models")


def _load_pyfunc(data_path, model_config=None):
    """MLflow's loader-module entry point: 'data_path' is the model folder."""
    return load_model(data_path, model_config)
`;
