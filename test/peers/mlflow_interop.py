"""The real MLflow (from .venv) reading and writing SQLite files through its public client
(``MlflowClient(tracking_uri="sqlite:///...")``), as a peer for test/tracking/sql-interop.test.ts.

    dump <tracking uri>             every experiment (search_experiments, ALL) checked against
                                    get_experiment / get_experiment_by_name; every run of them
                                    (search_runs, ALL, default order) read with get_run, with the full
                                    get_metric_history of each of its metrics
    write <tracking uri>            writes the scenario below through MlflowClient; prints the ids
    log-more <tracking uri> <run>   logs metrics, a param and a tag to an existing run
    search <tracking uri>           reads {"runs": [{experiment_ids, filter, order_by, view_type,
                                    max_results}], "experiments": [{filter, order_by, view_type}]}
                                    on stdin; prints the run ids / experiment ids per search, or
                                    {"error": code}

Run with the working directory where ./mlruns may go (MLflow's default artifact root for a
sqlite:/// URI). Prints one JSON line. Floats that JSON cannot hold are spelled "NaN",
"Infinity", "-Infinity".
"""

import json
import logging
import math
import os
import sys
import warnings

warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")

import mlflow  # noqa: E402
from mlflow.entities import Dataset, DatasetInput, InputTag, Metric, Param, RunTag, ViewType  # noqa: E402
from mlflow.exceptions import MlflowException  # noqa: E402
from mlflow.tracking import MlflowClient  # noqa: E402

VIEW = {"ACTIVE_ONLY": ViewType.ACTIVE_ONLY, "DELETED_ONLY": ViewType.DELETED_ONLY, "ALL": ViewType.ALL}


def num(value):
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
    return value


def experiment_json(e):
    return {
        "experiment_id": e.experiment_id,
        "name": e.name,
        "artifact_location": e.artifact_location,
        "lifecycle_stage": e.lifecycle_stage,
        "creation_time": e.creation_time,
        "last_update_time": e.last_update_time,
        "tags": dict(e.tags),
    }


def metric_json(m):
    return {"key": m.key, "value": num(m.value), "timestamp": m.timestamp, "step": m.step}


def run_json(client, run):
    info = run.info
    return {
        "info": {
            "run_id": info.run_id,
            "run_name": info.run_name,
            "experiment_id": info.experiment_id,
            "user_id": info.user_id,
            "status": info.status,
            "start_time": info.start_time,
            "end_time": info.end_time,
            "artifact_uri": info.artifact_uri,
            "lifecycle_stage": info.lifecycle_stage,
        },
        "data": {
            "metrics": {k: num(v) for k, v in run.data.metrics.items()},
            "params": dict(run.data.params),
            "tags": dict(run.data.tags),
        },
        "inputs": [
            {
                "dataset": {
                    "name": d.dataset.name,
                    "digest": d.dataset.digest,
                    "source_type": d.dataset.source_type,
                    "source": d.dataset.source,
                    "schema": d.dataset.schema,
                    "profile": d.dataset.profile,
                },
                "tags": [{"key": t.key, "value": t.value} for t in d.tags],
            }
            for d in run.inputs.dataset_inputs
        ],
        "history": {
            key: [metric_json(m) for m in client.get_metric_history(info.run_id, key)] for key in sorted(run.data.metrics)
        },
    }


def dump(uri):
    client = MlflowClient(tracking_uri=uri)
    experiments = client.search_experiments(view_type=ViewType.ALL, max_results=50000)
    mismatches = []
    for e in experiments:
        for how, other in (
            ("get_experiment", client.get_experiment(e.experiment_id)),
            ("get_experiment_by_name", client.get_experiment_by_name(e.name)),
        ):
            if experiment_json(other) != experiment_json(e):
                mismatches.append({"experiment_id": e.experiment_id, "via": how})
    ids = [e.experiment_id for e in experiments]
    runs = client.search_runs(ids, run_view_type=ViewType.ALL, max_results=50000) if ids else []
    return {
        "experiments": [experiment_json(e) for e in experiments],
        "experiment_mismatches": mismatches,
        "search_order": [r.info.run_id for r in runs],
        "runs": [run_json(client, client.get_run(r.info.run_id)) for r in runs],
    }


def write(uri):
    client = MlflowClient(tracking_uri=uri)
    t0 = 1_700_000_000_000
    sentiment = client.create_experiment("py-sentiment", tags={"team": "nlp"})
    client.set_experiment_tag(sentiment, "owner", "ana")
    archive = client.create_experiment("py-archive", artifact_location="s3://bucket/archive")

    train = Dataset(
        name="imdb",
        digest="d41d8cd9",
        source_type="local",
        source='{"uri": "/data/imdb.csv"}',
        schema='{"mlflow_colspec": [{"type": "string", "name": "text"}]}',
        profile='{"num_rows": 50000}',
    )
    evaluation = Dataset(name="sst2", digest="0cc175b9", source_type="http", source='{"url": "https://x/sst2"}')

    tfidf = client.create_run(sentiment, run_name="tfidf-bigrams", tags={"mlflow.user": "ana", "model": "tfidf"}, start_time=t0)
    rid = tfidf.info.run_id
    client.log_param(rid, "C", "4")
    client.log_batch(
        rid,
        metrics=[Metric("loss", 1.0 / (i + 1), t0 + i, i) for i in range(5)]
        + [Metric("acc", 0.5, t0, 0), Metric("acc", 0.9, t0 + 10, 1), Metric("acc", 0.9, t0 + 10, 1)],
        params=[Param("ngram_range", "1-2"), Param("min_df", "2")],
        tags=[RunTag("stage", "train")],
    )
    client.log_metric(rid, "odd", float("nan"), timestamp=t0 + 1, step=0)
    client.log_metric(rid, "odd", float("inf"), timestamp=t0 + 2, step=1)
    client.log_metric(rid, "odd", float("-inf"), timestamp=t0 + 3, step=2)
    client.log_metric(rid, "last_nan", 3.0, timestamp=t0, step=0)
    client.log_metric(rid, "last_nan", float("nan"), timestamp=t0, step=1)
    client.log_inputs(
        rid,
        [
            DatasetInput(train, tags=[InputTag("mlflow.data.context", "train")]),
            DatasetInput(evaluation, tags=[InputTag("mlflow.data.context", "eval"), InputTag("split", "test")]),
        ],
    )
    client.set_terminated(rid, "FINISHED", end_time=t0 + 60_000)

    # A second run of the experiment links to the same dataset row (same name and digest).
    bert = client.create_run(sentiment, run_name="bert-tiny", tags={"mlflow.user": "bob"}, start_time=t0 + 1000)
    client.log_inputs(bert.info.run_id, [DatasetInput(Dataset("imdb", "d41d8cd9", "s3", "s3://other"), tags=[])])
    client.log_metric(bert.info.run_id, "acc", 0.93, timestamp=t0 + 2000, step=0)
    client.set_tag(bert.info.run_id, "mlflow.runName", "bert-renamed")
    client.log_batch(bert.info.run_id, tags=[RunTag("mlflow.runName", "")])  # a no-op in MLflow
    client.update_run(bert.info.run_id, status="FAILED")

    gone = client.create_run(sentiment, run_name="deleted-run", start_time=t0 + 500)
    client.log_metric(gone.info.run_id, "acc", 0.1, timestamp=t0, step=0)
    client.delete_run(gone.info.run_id)

    old = client.create_run(archive, run_name="archived", start_time=t0 - 1000)
    client.log_param(old.info.run_id, "model", "majority")
    client.delete_experiment(archive)

    default = client.create_run("0", run_name="in-default", start_time=t0 + 3000)
    client.log_metric(default.info.run_id, "acc", 0.0, timestamp=t0, step=0)

    return {
        "experiments": {"sentiment": sentiment, "archive": archive},
        "runs": {
            "tfidf": rid,
            "bert": bert.info.run_id,
            "deleted": gone.info.run_id,
            "archived": old.info.run_id,
            "default": default.info.run_id,
        },
    }


def log_more(uri, run_id):
    client = MlflowClient(tracking_uri=uri)
    client.log_batch(
        run_id,
        metrics=[Metric("acc", 0.99, 1_800_000_000_000, 100), Metric("acc", 0.2, 1_800_000_000_000, 50), Metric("py_only", float("nan"), 5, 0)],
        params=[Param("py_param", "yes")],
        tags=[RunTag("py_tag", "1")],
    )
    return {"run": run_json(client, client.get_run(run_id))}


def search(uri, spec):
    client = MlflowClient(tracking_uri=uri)

    def attempt(fn):
        try:
            return fn()
        except MlflowException as e:
            return {"error": e.error_code}

    runs = [
        attempt(
            lambda s=s: [
                r.info.run_id
                for r in client.search_runs(
                    s["experiment_ids"],
                    filter_string=s.get("filter") or "",
                    run_view_type=VIEW[s.get("view_type", "ACTIVE_ONLY")],
                    max_results=s.get("max_results", 1000),
                    order_by=s.get("order_by"),
                )
            ]
        )
        for s in spec.get("runs", [])
    ]
    experiments = [
        attempt(
            lambda s=s: [
                e.experiment_id
                for e in client.search_experiments(
                    view_type=VIEW[s.get("view_type", "ACTIVE_ONLY")],
                    max_results=50000,
                    filter_string=s.get("filter"),
                    order_by=s.get("order_by"),
                )
            ]
        )
        for s in spec.get("experiments", [])
    ]
    return {"runs": runs, "experiments": experiments}


def main():
    command, *args = sys.argv[1:]
    if command == "dump":
        result = dump(*args)
    elif command == "write":
        result = write(*args)
    elif command == "log-more":
        result = log_more(*args)
    elif command == "search":
        result = search(*args, json.load(sys.stdin))
    else:
        sys.exit(f"unknown command {command}")
    print(json.dumps({"mlflow": mlflow.__version__, **result}, allow_nan=False))


if __name__ == "__main__":
    main()
