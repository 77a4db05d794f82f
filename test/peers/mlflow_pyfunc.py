"""The real MLflow (from .venv) using models senti-mlops logged, through their python_function
flavor, as a peer for test/models/pyfunc-flavor.test.ts. Reads one JSON request on stdin, prints
one JSON line.

    predict   {"tracking_uri", "model_uris", "texts"}
              for each model URI, mlflow.pyfunc.load_model(uri): predict() on a DataFrame with a text column
              (labels, scores), get_raw_model().predict_proba() and .labels, the model's
              requirements (mlflow.pyfunc.get_model_dependencies), and
              mlflow.models.validate_serving_input on the model's own serving_input_example.json.
              Answers {"results": {uri: …}}; a model that cannot be loaded or used answers
              {"error": "<its message>"}.
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

import mlflow  # noqa: E402
import pandas as pd  # noqa: E402
from mlflow.models import validate_serving_input  # noqa: E402


def use(model_uri, texts):
    try:
        model = mlflow.pyfunc.load_model(model_uri)
        frame = model.predict(pd.DataFrame({"text": texts}))
    except Exception as e:  # the message is what the test checks
        return {"error": f"{type(e).__name__}: {e}"}
    raw = model.get_raw_model()
    with open(mlflow.pyfunc.get_model_dependencies(model_uri)) as f:
        requirements = f.read().split()
    local = mlflow.artifacts.download_artifacts(model_uri)
    with open(os.path.join(local, "serving_input_example.json")) as f:
        serving_input = f.read()
    validated = validate_serving_input(model_uri, serving_input)
    return {
        "columns": list(frame.columns),
        "labels": frame["label"].tolist(),
        "scores": frame["score"].tolist(),
        "raw_labels": list(raw.labels),
        "proba": raw.predict_proba(texts).tolist(),
        "requirements": requirements,
        "validated": validated.to_dict(orient="records"),
        "loader_module": model.loader_module,
    }


def predict(req):
    mlflow.set_tracking_uri(req["tracking_uri"])
    return {"results": {uri: use(uri, req["texts"]) for uri in req["model_uris"]}}


COMMANDS = {"predict": predict}

if __name__ == "__main__":
    result = COMMANDS[sys.argv[1]](json.loads(sys.stdin.read()))
    result["mlflow"] = mlflow.__version__
    print(json.dumps(result))
