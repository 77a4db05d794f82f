"""Peer of the training-datasets tests (test/tracking/train-datasets.test.ts, test/cli/cli.test.ts,
test/server/training.test.ts): Python MLflow reads a run's dataset inputs back, and describes CSV
files as MLflow itself would.

    <tracking uri> <run id> [<csv> ...]
        prints {"inputs": [{name, digest, source_type, source, schema, profile, tags}],
                "files": {csv: mlflow.data.from_pandas(pd.read_csv(csv), source=csv,
                                                      name=basename(csv)).to_dict()}}

Prints one JSON line.
"""

import json
import logging
import os
import sys
import warnings

warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")


def main():
    import mlflow
    import pandas as pd
    from mlflow.tracking import MlflowClient

    uri, run_id, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    run = MlflowClient(tracking_uri=uri).get_run(run_id)
    # An entity iterates over its properties: name, digest, source_type, source, schema, profile.
    inputs = [{**dict(d.dataset), "tags": {t.key: t.value for t in d.tags}} for d in run.inputs.dataset_inputs]
    described = {f: mlflow.data.from_pandas(pd.read_csv(f), source=f, name=os.path.basename(f)).to_dict() for f in files}
    print(json.dumps({"inputs": inputs, "files": described}))


if __name__ == "__main__":
    main()
