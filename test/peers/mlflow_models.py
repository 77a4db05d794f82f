"""The real MLflow (from .venv) looking at models senti-mlops logged and registered, as a peer for
test/models/mlflow-e2e.test.ts. Reads one JSON request on stdin, prints one JSON line.

    inspect   {"tracking_uri", "name", "alias", "run_id"}
              resolves models:/<name>@<alias> with MlflowClient, downloads it with
              mlflow.artifacts.download_artifacts, loads its MLmodel with mlflow.models.Model.load,
              hashes the downloaded files, reads the run's logged-model history tag and lists the
              run's artifacts under "model"
    alias     {"tracking_uri", "name", "alias", "version"}
              sets an alias with MlflowClient (Python's side of the registry)
"""

import hashlib
import json
import logging
import os
import sys
import tempfile
import warnings

warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")

import mlflow  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.models import Model  # noqa: E402


def version_dict(v):
    return {
        "name": v.name,
        "version": str(v.version),
        "source": v.source,
        "run_id": v.run_id,
        "status": v.status,
        "current_stage": v.current_stage,
        "aliases": sorted(v.aliases),
    }


def inspect(req):
    mlflow.set_tracking_uri(req["tracking_uri"])
    client = MlflowClient(tracking_uri=req["tracking_uri"], registry_uri=req["tracking_uri"])
    version = client.get_model_version_by_alias(req["name"], req["alias"])
    model = client.get_registered_model(req["name"])
    with tempfile.TemporaryDirectory() as tmp:
        local = mlflow.artifacts.download_artifacts(artifact_uri=f"models:/{req['name']}@{req['alias']}", dst_path=tmp)
        files = {}
        for root, _, names in os.walk(local):
            for name in names:
                path = os.path.join(root, name)
                with open(path, "rb") as f:
                    data = f.read()
                files[os.path.relpath(path, local)] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        mlmodel = Model.load(local)
    run = client.get_run(req["run_id"])
    history = json.loads(run.data.tags.get("mlflow.log-model.history", "[]"))
    listed = [
        {"path": f.path, "is_dir": f.is_dir, "file_size": f.file_size} for f in client.list_artifacts(req["run_id"], "model")
    ]
    return {
        "version": version_dict(version),
        "registered_aliases": {k: str(v) for k, v in sorted(model.aliases.items())},
        "files": files,
        "mlmodel": {
            "flavors": mlmodel.flavors,
            "run_id": mlmodel.run_id,
            "artifact_path": mlmodel.artifact_path,
            "model_uuid": mlmodel.model_uuid,
            "utc_time_created": mlmodel.utc_time_created,
            "signature_inputs": mlmodel.signature.inputs.to_dict() if mlmodel.signature else None,
            "saved_input_example_info": mlmodel.saved_input_example_info,
        },
        "history": history,
        "listed": listed,
    }


def set_alias(req):
    client = MlflowClient(tracking_uri=req["tracking_uri"], registry_uri=req["tracking_uri"])
    client.set_registered_model_alias(req["name"], req["alias"], req["version"])
    return {"ok": True}


def main():
    command = sys.argv[1]
    req = json.loads(sys.stdin.read())
    result = {"inspect": inspect, "alias": set_alias}[command](req)
    result["mlflow"] = mlflow.__version__
    print(json.dumps(result))


if __name__ == "__main__":
    main()
