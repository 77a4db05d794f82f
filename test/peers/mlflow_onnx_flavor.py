"""A Python team's side of issue 15, item 4 ("the reverse direction"), as a peer for
test/models/onnx-flavor.test.ts: a BERT text classifier logged with MLflow's own `onnx` flavor,
its tokenizer files beside it, then loaded by senti-mlops. Reads one JSON request on stdin,
prints one JSON line.

    log    {"tracking_uri", "name", "alias", "model_dir", "beside", "external_data", "texts"}
           loads <model_dir>/onnx/model.onnx with the onnx package and logs it with
           mlflow.onnx.log_model (save_as_external_data=<external_data>, MLflow's default being True),
           the tokenizer files (config.json, tokenizer.json, tokenizer_config.json of <model_dir>)
           beside it as <beside> says: "extra_files" (extra_files=[…], stored under extra_files/),
           "code_paths" (code_paths=[…], stored under code/) or "none"; registers it as <name>,
           sets <alias> on the new version, then downloads models:/<name>@<alias> and returns
           its files, its MLmodel flavors, and MLflow's own predictions for <texts>:
           mlflow.pyfunc.load_model(…).predict() on the ids that Hugging Face's tokenizers
           (Python) gives with the downloaded tokenizer.json, one text per call, softmaxed
    save   {"path", "model_dir", "external_data"}
           mlflow.onnx.save_model to a local folder with no tokenizer files (a folder without them)
"""

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
import mlflow.onnx  # noqa: E402
import numpy as np  # noqa: E402
import onnx  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.models import Model  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402

TOKENIZER_FILES = ["config.json", "tokenizer.json", "tokenizer_config.json"]


def load_onnx(model_dir):
    return onnx.load(os.path.join(model_dir, "onnx", "model.onnx"))


def find(local, name, flavor):
    """Where the downloaded model keeps `name`: the places the TypeScript side looks, in its order."""
    listed = [e["path"] for e in flavor.get("extra_files") or [] if os.path.basename(e["path"]) == name]
    for rel in [*listed, f"{flavor.get('code') or 'code'}/{name}", name]:
        if os.path.isfile(os.path.join(local, rel)):
            return os.path.join(local, rel)
    return None


def reference(uri, local, flavor, texts):
    tokenizer_file = find(local, "tokenizer.json", flavor)
    config_file = find(local, "config.json", flavor)
    tokenizer = Tokenizer.from_file(tokenizer_file)
    tokenizer.no_padding()
    tokenizer.enable_truncation(512)
    with open(config_file) as f:
        id2label = json.load(f)["id2label"]
    labels = [id2label[str(i)] for i in range(len(id2label))]
    pyfunc = mlflow.pyfunc.load_model(uri)
    out = []
    for text in texts:
        enc = tokenizer.encode(text)
        feeds = {
            "input_ids": np.array([enc.ids], dtype=np.int64),
            "attention_mask": np.array([enc.attention_mask], dtype=np.int64),
            "token_type_ids": np.array([enc.type_ids], dtype=np.int64),
        }
        logits = np.asarray(pyfunc.predict(feeds)["logits"], dtype=np.float64)[0]
        e = np.exp(logits - logits.max())
        proba = (e / e.sum()).tolist()
        out.append({"ids": enc.ids, "logits": logits.tolist(), "proba": proba, "label": labels[int(np.argmax(proba))]})
    return out


def log(req):
    mlflow.set_tracking_uri(req["tracking_uri"])
    mlflow.set_experiment("onnx-flavor")
    client = MlflowClient(tracking_uri=req["tracking_uri"], registry_uri=req["tracking_uri"])
    model_dir = req["model_dir"]
    beside = [os.path.join(model_dir, f) for f in TOKENIZER_FILES]
    kwargs = {"extra_files": beside} if req["beside"] == "extra_files" else {"code_paths": beside} if req["beside"] == "code_paths" else {}
    with mlflow.start_run() as run:
        info = mlflow.onnx.log_model(
            load_onnx(model_dir),
            name="model",
            registered_model_name=req["name"],
            save_as_external_data=req["external_data"],
            **kwargs,
        )
    version = str(info.registered_model_version)
    client.set_registered_model_alias(req["name"], req["alias"], version)
    uri = f"models:/{req['name']}@{req['alias']}"
    with tempfile.TemporaryDirectory() as tmp:
        local = mlflow.artifacts.download_artifacts(artifact_uri=uri, dst_path=tmp)
        files = sorted(
            os.path.relpath(os.path.join(root, n), local) for root, _, names in os.walk(local) for n in names
        )
        flavors = Model.load(local).flavors
        result = reference(uri, local, flavors["onnx"], req["texts"]) if req["beside"] != "none" else None
    return {"run_id": run.info.run_id, "version": version, "files": files, "flavors": flavors, "reference": result}


def save(req):
    mlflow.onnx.save_model(load_onnx(req["model_dir"]), req["path"], save_as_external_data=req["external_data"])
    return {"files": sorted(os.listdir(req["path"]))}


COMMANDS = {"log": log, "save": save}

if __name__ == "__main__":
    request = json.loads(sys.stdin.read())
    result = COMMANDS[sys.argv[1]](request)
    print(json.dumps({**result, "mlflow": mlflow.__version__}))
