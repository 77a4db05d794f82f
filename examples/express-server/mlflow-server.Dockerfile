# syntax=docker/dockerfile:1
#
# The MLflow tracking server of compose.yaml: MLflow at the version senti-mlops is tested against
# (test/peers/requirements.txt), boto3 for artifacts on the S3-compatible store, and psycopg 3 (with
# its bundled libpq, so no system package is needed) for the backend store on PostgreSQL
# (`postgresql+psycopg://…`). PYTHON_IMAGE replaces the base, e.g. with a mirror or with the
# stand-in that scripts/image/standin-stack.mjs builds where no registry can be reached.
ARG PYTHON_IMAGE=python:3.12-slim-bookworm
FROM ${PYTHON_IMAGE}
RUN pip install --no-cache-dir --disable-pip-version-check mlflow==3.17.2 boto3==1.44.18 "psycopg[binary]==3.3.9"
RUN useradd --uid 1000 --create-home mlflow && mkdir -p /mlflow && chown 1000:1000 /mlflow
USER 1000:1000
WORKDIR /mlflow
ENV MLFLOW_DISABLE_TELEMETRY=true \
    DO_NOT_TRACK=true \
    MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false \
    PYTHONUNBUFFERED=1
EXPOSE 5000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/health', timeout=4)"]
