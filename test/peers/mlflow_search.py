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

With ``{"runs": [...], "searches": [{"filter": ..., "order_by": [...]}, ...]}`` instead, the runs
(``{"n", "run_id", "name" (null: no mlflow.runName tag), "info_name", "status", "start", "end", "user", "artifact_uri",
"metrics" (values may be "NaN"/"Infinity"/"-Infinity"), "params", "tags", "datasets"}``) are written
through MLflow's SQL tracking store, every search runs through ``search_runs``, and the result is
``{"mlflow": version, "results": [[n, ...] | {"error": message}, ...]}`` (the runs' ``n`` in order).

With ``{"rows": [{"sql": "INSERT …", "params": [...]}, ...], "searches": [{"kind", "filter",
"order_by"}, ...]}``, the rows replace the experiments and fill the registry tables, and every search
runs through ``search_experiments``, ``search_registered_models`` or ``search_model_versions``; the
results are experiment ids, model names, or ``"name/version"``.
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


def evaluate_runs(request, tracking, db_path):
    import sqlite3

    from mlflow.entities import Dataset, DatasetInput, InputTag, Metric, Param, RunStatus, RunTag

    experiment_id = tracking.create_experiment("search-fixture")
    numbers = {}
    patches = []
    for spec in request["runs"]:
        run = tracking.create_run(
            experiment_id=experiment_id,
            user_id=spec.get("user", ""),
            start_time=spec["start"],
            tags=[],
            run_name=spec.get("name"),
        )
        run_id = run.info.run_id
        tracking.log_batch(
            run_id,
            metrics=[Metric(k, float(v), 0, 0) for k, v in spec.get("metrics", {}).items()],
            params=[Param(k, v) for k, v in spec.get("params", {}).items()],
            tags=[RunTag(k, v) for k, v in spec.get("tags", {}).items()],
        )
        datasets = [
            DatasetInput(
                Dataset(d["name"], d["digest"], "local", "/data/" + d["name"]),
                [InputTag("mlflow.data.context", d["context"])] if d.get("context") is not None else [],
            )
            for d in spec.get("datasets", [])
        ]
        if datasets:
            tracking.log_inputs(run_id, datasets=datasets)
        tracking.update_run_info(run_id, RunStatus.from_string(spec["status"]), spec.get("end"), None)
        patches.append((run_id, spec))
    # What the store API cannot set: the run id itself, artifact_uri, and a run without the
    # mlflow.runName tag (logged by MLflow <= 1.29). Written straight into the file.
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys = OFF")
    for run_id, spec in patches:
        new_id = spec["run_id"]
        for table in ("runs", "tags", "params", "metrics", "latest_metrics"):
            conn.execute(f"UPDATE {table} SET run_uuid = ? WHERE run_uuid = ?", (new_id, run_id))
        conn.execute("UPDATE inputs SET destination_id = ? WHERE destination_id = ?", (new_id, run_id))
        conn.execute(
            "UPDATE runs SET artifact_uri = ?, start_time = ?, end_time = ?, user_id = ? WHERE run_uuid = ?",
            (spec["artifact_uri"], spec["start"], spec.get("end"), spec.get("user", ""), new_id),
        )
        if spec.get("name") is None:
            conn.execute("DELETE FROM tags WHERE key = 'mlflow.runName' AND run_uuid = ?", (new_id,))
            conn.execute("UPDATE runs SET name = ? WHERE run_uuid = ?", (spec["info_name"], new_id))
        numbers[new_id] = spec["n"]
    conn.commit()
    conn.close()
    results = []
    for search in request["searches"]:
        try:
            runs = tracking.search_runs(
                [experiment_id], search.get("filter"), ViewType.ALL, 1000, search.get("order_by") or None
            )
            results.append([numbers[r.info.run_id] for r in runs])
        except Exception as e:  # noqa: BLE001
            results.append(error(e))
    return results


def evaluate_rows(request, tracking, registry, db_path):
    import sqlite3

    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("DELETE FROM experiments")
    for row in request["rows"]:
        conn.execute(row["sql"], row["params"])
    conn.commit()
    conn.close()
    results = []
    for search in request["searches"]:
        kind, filter_string, order_by = search["kind"], search.get("filter"), search.get("order_by") or None
        try:
            if kind == "experiments":
                found = tracking.search_experiments(ViewType.ALL, 1000, filter_string, order_by)
                results.append([e.experiment_id for e in found])
            elif kind == "registered_models":
                found = registry.search_registered_models(filter_string, 1000, order_by)
                results.append([m.name for m in found])
            else:
                found = registry.search_model_versions(filter_string, 1000, order_by)
                results.append([f"{v.name}/{v.version}" for v in found])
        except Exception as e:  # noqa: BLE001
            results.append(error(e))
    return results


def main():
    request = json.load(sys.stdin)
    tmp = tempfile.mkdtemp(prefix="senti-mlflow-search-")
    db_uri = f"sqlite:///{os.path.join(tmp, 'mlflow.db')}"

    from mlflow.store.model_registry.sqlalchemy_store import SqlAlchemyStore as RegistryStore
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore as TrackingStore

    tracking = TrackingStore(db_uri, os.path.join(tmp, "artifacts"))
    if "runs" in request:
        results = evaluate_runs(request, tracking, os.path.join(tmp, "mlflow.db"))
        sys.stdout.write(json.dumps({"mlflow": mlflow.__version__, "results": results}) + "\n")
        return
    registry = RegistryStore(db_uri)
    if "rows" in request:
        results = evaluate_rows(request, tracking, registry, os.path.join(tmp, "mlflow.db"))
        sys.stdout.write(json.dumps({"mlflow": mlflow.__version__, "results": results}) + "\n")
        return

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
