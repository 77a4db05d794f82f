"""Downloads a run's artifacts with Python MLflow's client and prints {path: [size, checksum]} as JSON.

The checksum is a rolling hash (h = (h * 31 + byte) mod 1e9+7) that the Node side recomputes.
Usage: mlflow_read_artifacts.py <tracking-uri> <run-id>
"""
import json
import os
import sys
import tempfile

from mlflow.tracking import MlflowClient


def main():
    uri, run_id = sys.argv[1:3]
    client = MlflowClient(tracking_uri=uri)
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = client.download_artifacts(run_id, "", tmp)
        for folder, _, files in os.walk(root):
            for name in files:
                full = os.path.join(folder, name)
                data = open(full, "rb").read()
                h = 0
                for b in data:
                    h = (h * 31 + b) % 1_000_000_007
                out[os.path.relpath(full, root).replace(os.sep, "/")] = [len(data), h]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
