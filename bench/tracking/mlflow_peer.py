"""MLflow side of bench/tracking: MlflowClient on sqlite:/// files, one JSON line out.

Usage: .venv/bin/python bench/tracking/mlflow_peer.py LOG_DB SEARCH_DB SPEC_JSON
(the same SPEC_JSON as bench/tracking/ours.mjs; the same points, keys, steps and timestamps).
"""
import json
import math
import statistics
import sys
import time

import mlflow
from mlflow.entities import Metric
from mlflow.tracking import MlflowClient

T0 = 1_700_000_000_000


def main() -> None:
    log_db, search_db, raw_spec = sys.argv[1:4]
    spec = json.loads(raw_spec)

    # 1 + 2: logging into a fresh file; the schema (alembic migrations), experiment and run are
    # created before the clock starts.
    client = MlflowClient(tracking_uri=f"sqlite:///{log_db}")
    experiment_id = client.create_experiment("bench-log", artifact_location="/tmp/senti-bench-artifacts")
    single = client.create_run(experiment_id, run_name="single").info.run_id
    client.log_metric(single, "warmup", 0.0, timestamp=T0, step=0)
    t = time.perf_counter()
    for i in range(spec["single"]):
        client.log_metric(single, "loss", 1 / (i + 1), timestamp=T0 + i, step=i)
    single_s = time.perf_counter() - t

    batched = client.create_run(experiment_id, run_name="batch").info.run_id
    batches = []
    size = spec["batchSize"]
    for b in range(spec["batches"]):
        metrics = []
        for j in range(size):
            step = b * (size // 10) + j // 10
            metrics.append(Metric(f"m{j % 10}", math.sin(step + j), T0 + step, step))
        batches.append(metrics)
    t = time.perf_counter()
    for metrics in batches:
        client.log_batch(batched, metrics=metrics, synchronous=True)
    batch_s = time.perf_counter() - t

    # 3: search over the seeded file (this side's own copy).
    search = MlflowClient(tracking_uri=f"sqlite:///{search_db}")
    experiment = search.get_experiment_by_name("bench-search")
    first = search.search_runs([experiment.experiment_id], spec["filter"], max_results=spec["maxResults"])  # warm-up
    times = []
    for _ in range(spec["searchRepeat"]):
        t = time.perf_counter()
        search.search_runs([experiment.experiment_id], spec["filter"], max_results=spec["maxResults"])
        times.append((time.perf_counter() - t) * 1000)
    print(
        json.dumps(
            {
                "mlflow": mlflow.__version__,
                "single_calls": spec["single"],
                "single_s": single_s,
                "batch_points": spec["batches"] * size,
                "batch_s": batch_s,
                "search_ms": statistics.median_high(times),
                "search_times_ms": times,
                "search_results": len(first),
                "search_has_next": bool(first.token),
                "search_ids": [r.info.run_id for r in first],
            }
        )
    )


if __name__ == "__main__":
    main()
