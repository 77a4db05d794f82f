"""The real MLflow (from .venv) reading and writing the model registry of SQLite files through its
public client (``MlflowClient(tracking_uri="sqlite:///...", registry_uri=same)``), as a peer for
test/registry/sql-interop.test.ts.

    dump <uri>     every registered model (search_registered_models, default order) read with
                   get_registered_model, get_latest_versions (all stages, then Production+None);
                   every version of them (search_model_versions "name = '...'") read with
                   get_model_version and get_model_version_download_uri; every alias read with
                   get_model_version_by_alias, and the "latest" alias
    write <uri>    writes the scenario below through MlflowClient; prints what it wrote
    more <uri>     a few more writes to a file the other side wrote (a version, an alias, a tag,
                   a stage transition)
    search <uri>   reads {"registered_models": [{filter, order_by, max_results}], "model_versions":
                   [...]} on stdin; prints the names / name@version per search, or {"error": code}

Prints one JSON line. Unset text is printed as "" (the shape senti-mlops returns).
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
from mlflow.exceptions import MlflowException  # noqa: E402
from mlflow.tracking import MlflowClient  # noqa: E402

RUN_A = "0123456789abcdef0123456789abcdef"
RUN_B = "fedcba9876543210fedcba9876543210"


def text(value):
    return "" if value is None else value


def version_json(v):
    return {
        "name": v.name,
        "version": str(v.version),
        "creation_timestamp": v.creation_timestamp,
        "last_updated_timestamp": v.last_updated_timestamp,
        "user_id": text(v.user_id),
        "current_stage": v.current_stage,
        "description": text(v.description),
        "source": text(v.source),
        "run_id": text(v.run_id),
        "status": v.status,
        "status_message": text(v.status_message),
        "run_link": text(v.run_link),
        "tags": dict(v.tags),
        "aliases": sorted(v.aliases),
    }


def model_json(m):
    return {
        "name": m.name,
        "creation_timestamp": m.creation_timestamp,
        "last_updated_timestamp": m.last_updated_timestamp,
        "description": text(m.description),
        "latest_versions": [version_json(v) for v in (m.latest_versions or [])],
        # All tags, the prompt marker included (RegisteredModel.tags hides it).
        "tags": dict(m._tags),
        "aliases": sorted(({"alias": a, "version": str(v)} for a, v in m.aliases.items()), key=lambda x: x["alias"]),
    }


def client_for(uri):
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


def dump(uri):
    client = client_for(uri)
    searched = client.search_registered_models(max_results=1000)
    models = []
    for m in searched:
        got = client.get_registered_model(m.name)
        versions = client.search_model_versions(f"name = '{m.name}'", max_results=200000)
        models.append({
            "searched": model_json(m),
            "model": model_json(got),
            "latest": [version_json(v) for v in client.get_latest_versions(m.name)],
            "latest_production_none": [version_json(v) for v in client.get_latest_versions(m.name, ["production", "None"])],
            "searched_versions": [version_json(v) for v in versions],
            "versions": [version_json(client.get_model_version(m.name, v.version)) for v in versions],
            "download_uris": {str(v.version): client.get_model_version_download_uri(m.name, v.version) for v in versions},
            "by_alias": {a: version_json(client.get_model_version_by_alias(m.name, a)) for a in sorted(got.aliases)},
            "latest_alias": version_json(client.get_model_version_by_alias(m.name, "latest")) if versions else None,
        })
    return {"models": models}


def write(uri):
    client = client_for(uri)
    client.create_registered_model("py-tfidf", tags={"team": "nlp", "framework": "senti"}, description="TF-IDF sentiment")
    client.create_registered_model("py-bert")
    client.create_registered_model("py-before-rename", tags={"x": "1"})
    client.create_registered_model("py-deleted")
    client.create_model_version("py-deleted", "s3://bucket/deleted")
    client.delete_registered_model("py-deleted")

    v1 = client.create_model_version("py-tfidf", f"runs:/{RUN_A}/model", run_id=RUN_A, tags={"flavor": "tfidf"}, description="first")
    v2 = client.create_model_version("py-tfidf", "s3://bucket/tfidf/2", run_link="http://ui/run/2")
    v3 = client.create_model_version("py-tfidf", f"runs:/{RUN_B}/model", run_id=RUN_B)
    client.create_model_version("py-tfidf", "s3://bucket/tfidf/4")
    client.transition_model_version_stage("py-tfidf", v1.version, "production")
    client.transition_model_version_stage("py-tfidf", v3.version, "Production", archive_existing_versions=True)
    client.transition_model_version_stage("py-tfidf", v2.version, "STAGING")
    client.set_registered_model_alias("py-tfidf", "champion", v3.version)
    client.set_registered_model_alias("py-tfidf", "Challenger", v2.version)
    client.set_registered_model_alias("py-tfidf", "old", v1.version)
    client.set_model_version_tag("py-tfidf", v2.version, "validated", "yes")
    client.update_model_version("py-tfidf", v2.version, description="second")
    client.set_registered_model_tag("py-tfidf", "owner", "ana")
    client.delete_registered_model_tag("py-tfidf", "framework")
    client.delete_model_version("py-tfidf", v1.version)

    client.create_model_version("py-bert", "s3://bucket/bert/1", tags={"flavor": "bert"})
    client.create_model_version("py-bert", "models:/py-tfidf/3")
    client.update_registered_model("py-bert", description="BERT")

    client.create_model_version("py-before-rename", "s3://bucket/r/1")
    client.set_registered_model_alias("py-before-rename", "prod", "1")
    client.rename_registered_model("py-before-rename", "py-renamed")
    return {"written": True}


def more(uri):
    client = client_for(uri)
    names = [m.name for m in client.search_registered_models(max_results=1000)]
    name = sorted(names)[0]
    v = client.create_model_version(name, "s3://bucket/from-python", tags={"by": "python"})
    client.set_registered_model_alias(name, "from-python", v.version)
    client.transition_model_version_stage(name, v.version, "Staging", archive_existing_versions=True)
    client.set_registered_model_tag(name, "touched", "python")
    return {"name": name, "version": str(v.version)}


def attempt(fn):
    try:
        return fn()
    except MlflowException as e:
        return {"error": e.error_code}


def search(uri, request):
    client = client_for(uri)
    rms = []
    for s in request.get("registered_models", []):
        rms.append(attempt(lambda s=s: [m.name for m in client.search_registered_models(
            filter_string=s.get("filter"), max_results=s.get("max_results", 100), order_by=s.get("order_by"))]))
    mvs = []
    for s in request.get("model_versions", []):
        mvs.append(attempt(lambda s=s: [f"{v.name}@{v.version}" for v in client.search_model_versions(
            filter_string=s.get("filter"), max_results=s.get("max_results", 200000), order_by=s.get("order_by"))]))
    return {"registered_models": rms, "model_versions": mvs}


def main():
    command, uri = sys.argv[1], sys.argv[2]
    if command == "dump":
        result = dump(uri)
    elif command == "write":
        result = write(uri)
    elif command == "more":
        result = more(uri)
    elif command == "search":
        result = search(uri, json.loads(sys.stdin.read()))
    else:
        raise SystemExit(f"unknown command {command}")
    result["mlflow"] = mlflow.__version__
    print(json.dumps(result))


if __name__ == "__main__":
    main()
