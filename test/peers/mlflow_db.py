"""The real MLflow (from .venv) on SQLite database files, as a peer for the SQL store tests.

    create <db file> <artifact root>   create a database the way `mlflow server` does
                                       (mlflow.server.handlers.initialize_backend_stores)
    search-runs <tracking uri>         mlflow.search_runs(search_all_experiments=True)

Prints one JSON line.
"""

import json
import logging
import os
import sys
import warnings

warnings.filterwarnings("ignore")
logging.disable(logging.INFO)
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")

import mlflow  # noqa: E402


def create(db_file, artifact_root):
    from mlflow.server.handlers import initialize_backend_stores

    uri = "sqlite:///" + db_file
    initialize_backend_stores(uri, uri, artifact_root)
    return {"mlflow": mlflow.__version__, "uri": uri}


def search_runs(tracking_uri):
    mlflow.set_tracking_uri(tracking_uri)
    runs = mlflow.search_runs(search_all_experiments=True)  # a pandas DataFrame
    experiments = mlflow.search_experiments()
    return {
        "mlflow": mlflow.__version__,
        "runs": [str(r) for r in runs["run_id"]] if len(runs) else [],
        "experiments": [{"id": e.experiment_id, "name": e.name} for e in experiments],
    }


def main():
    command, *args = sys.argv[1:]
    if command == "create":
        result = create(*args)
    elif command == "search-runs":
        result = search_runs(*args)
    else:
        sys.exit(f"unknown command {command}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
