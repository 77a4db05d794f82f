"""MLflow's own search-grammar parsers and SQL stores, as a peer for the parser parity test.

Reads one JSON document on stdin:

    {"cases": [{"kind": "runs" | "experiments" | "registered_models" | "model_versions",
                "filter": "<filter string>"}            # a filter case
               | {"kind": ..., "order_by": ["<clause>", ...]}, ...]}

and prints one JSON line:

    {"mlflow": "<version>", "results": [<result>, ...]}

For every case the result says what MLflow's parser returns (``parse``: the list of comparisons
normalised to ``[type, key, comparator, value]``, or ``{"error": message}``) and whether MLflow's
SQLAlchemy store accepts the same input (``store``: ``"ok"`` or ``{"error": message}``). The stores
run on a throw-away SQLite file with no rows, so only validation is exercised.
"""

import json
import math
import os
import sys
import tempfile
import warnings

warnings.filterwarnings("ignore")
os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")

import mlflow  # noqa: E402
from mlflow.entities import ViewType  # noqa: E402
from mlflow.utils.search_utils import (  # noqa: E402
    SearchExperimentsUtils,
    SearchModelUtils,
    SearchModelVersionUtils,
    SearchUtils,
)

TYPE_NAMES = {"parameter": "param"}


def normalise_value(value):
    if value is None:
        return None
    if isinstance(value, (tuple, list, set)):
        return [normalise_value(v) for v in value]
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
    return value


def normalise_comparison(c, numeric_string_values):
    type_ = TYPE_NAMES.get(c["type"], c["type"])
    key = SearchUtils.translate_key_alias(c["key"]) if type_ == "attribute" else c["key"]
    comparator = c["comparator"].upper()
    value = c["value"]
    # MLflow's run parser keeps metric values as the token text; the stores call float() on it.
    if type_ == "metric" and isinstance(value, str):
        value = float(value)
    if numeric_string_values and isinstance(value, str) and (type_, key) in numeric_string_values:
        value = float(value)
    return [type_, key, comparator, normalise_value(value)]


def error(e):
    return {"error": f"{type(e).__name__}: {e}"}


def main():
    request = json.load(sys.stdin)
    tmp = tempfile.mkdtemp(prefix="senti-mlflow-search-")
    db_uri = f"sqlite:///{os.path.join(tmp, 'mlflow.db')}"

    from mlflow.store.model_registry.sqlalchemy_store import SqlAlchemyStore as RegistryStore
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore as TrackingStore

    tracking = TrackingStore(db_uri, os.path.join(tmp, "artifacts"))
    registry = RegistryStore(db_uri)

    parsers = {
        "runs": (SearchUtils.parse_search_filter, SearchUtils.parse_order_by_for_search_runs),
        "experiments": (
            SearchExperimentsUtils.parse_search_filter,
            SearchExperimentsUtils.parse_order_by_for_search_experiments,
        ),
        "registered_models": (
            SearchModelUtils.parse_search_filter,
            # The SQL store parses registered-model order_by with the base class's parser.
            SearchUtils.parse_order_by_for_search_registered_models,
        ),
        "model_versions": (
            SearchModelVersionUtils.parse_search_filter,
            SearchModelVersionUtils.parse_order_by_for_search_model_versions,
        ),
    }
    numeric = {"runs": {("attribute", "start_time"), ("attribute", "end_time")}}

    def store_search(kind, filter_string, order_by):
        if kind == "runs":
            tracking.search_runs(["0"], filter_string, ViewType.ALL, 10, order_by)
        elif kind == "experiments":
            tracking.search_experiments(ViewType.ALL, 10, filter_string, order_by)
        elif kind == "registered_models":
            registry.search_registered_models(filter_string, 10, order_by)
        elif kind == "model_versions":
            registry.search_model_versions(filter_string, 10, order_by)
        else:
            raise ValueError(kind)

    results = []
    for case in request["cases"]:
        kind = case["kind"]
        parse_filter, parse_order_by = parsers[kind]
        result = {}
        if "filter" in case:
            try:
                parsed = parse_filter(case["filter"])
                result["parse"] = [normalise_comparison(c, numeric.get(kind)) for c in parsed]
            except Exception as e:  # noqa: BLE001 - every failure is reported to the test
                result["parse"] = error(e)
            try:
                store_search(kind, case["filter"], None)
                result["store"] = "ok"
            except Exception as e:  # noqa: BLE001
                result["store"] = error(e)
        else:
            order_by = case["order_by"]
            try:
                parsed = []
                for clause in order_by:
                    out = parse_order_by(clause)
                    if len(out) == 2:  # registered models: (key, ascending)
                        parsed.append(["attribute", out[0], bool(out[1])])
                    else:
                        type_, key, ascending = out
                        type_ = TYPE_NAMES.get(type_, type_)
                        if type_ == "attribute":
                            key = SearchUtils.translate_key_alias(key)
                        parsed.append([type_, key, bool(ascending)])
                result["parse"] = parsed
            except Exception as e:  # noqa: BLE001
                result["parse"] = error(e)
            try:
                store_search(kind, None, order_by)
                result["store"] = "ok"
            except Exception as e:  # noqa: BLE001
                result["store"] = error(e)
        results.append(result)

    sys.stdout.write(json.dumps({"mlflow": mlflow.__version__, "results": results}) + "\n")


if __name__ == "__main__":
    main()
