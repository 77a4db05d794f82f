"""Peer of the evaluation tests (test/evaluation/*.test.ts, test/cli/cli-eval.test.ts): Python's XML
parser reads senti-mlops' SVG plots, and Python MLflow reads an evaluation run back.

    svg <file> ...                      parses each file with xml.etree (a well-formedness check);
                                        prints {file: {width, height, viewBox, texts: [{x, y, anchor,
                                        size, transform, text}]}}
    run <tracking uri> <data> <run id> ...
                                        reads each run with MlflowClient: metrics, tags, artifact
                                        paths, dataset inputs (every field and input tag); and what
                                        mlflow.data.from_pandas(pd.read_csv(<data>), source=<data>,
                                        name=<basename>) gives the same file (digest, schema, profile);
                                        prints {run id: run}
    digest <csv> ...                    {csv: mlflow.data.from_pandas(pd.read_csv(<csv>)).digest}

Prints one JSON line.
"""

import json
import logging
import os
import sys
import warnings
import xml.etree.ElementTree as ET

warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")

SVG = "{http://www.w3.org/2000/svg}"


def svg(files):
    out = {}
    for path in files:
        root = ET.parse(path).getroot()
        if root.tag != SVG + "svg":
            raise SystemExit(f"{path}: root element is {root.tag}, not svg")
        texts = []
        for t in root.iter(SVG + "text"):
            texts.append({
                "x": float(t.get("x")),
                "y": float(t.get("y")),
                "anchor": t.get("text-anchor", "start"),
                "size": float(t.get("font-size")),
                "transform": t.get("transform"),
                "text": "".join(t.itertext()),
            })
        out[path] = {"width": float(root.get("width")), "height": float(root.get("height")), "viewBox": root.get("viewBox"), "texts": texts}
    return out


def read_run(uri, data, run_id):
    import mlflow
    import pandas as pd
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=uri)
    run = client.get_run(run_id)
    artifacts = []
    stack = [""]
    while stack:
        for f in client.list_artifacts(run_id, stack.pop() or None):
            if f.is_dir:
                stack.append(f.path)
            else:
                artifacts.append(f.path)
    # An entity iterates over its properties: name, digest, source_type, source, schema, profile.
    inputs = [{**dict(d.dataset), "tags": {t.key: t.value for t in d.tags}} for d in run.inputs.dataset_inputs]
    python = mlflow.data.from_pandas(pd.read_csv(data), source=data, name=os.path.basename(data)).to_dict()
    return {
        "status": run.info.status,
        "run_name": run.info.run_name,
        "experiment": client.get_experiment(run.info.experiment_id).name,
        "metrics": run.data.metrics,
        "tags": {k: v for k, v in run.data.tags.items()},
        "artifacts": sorted(artifacts),
        "inputs": inputs,
        "python_dataset": python,
    }


def main():
    command, args = sys.argv[1], sys.argv[2:]
    if command == "svg":
        result = svg(args)
    elif command == "run":
        result = {run_id: read_run(args[0], args[1], run_id) for run_id in args[2:]}
    elif command == "digest":
        import mlflow
        import pandas as pd

        result = {path: mlflow.data.from_pandas(pd.read_csv(path)).digest for path in args}
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
