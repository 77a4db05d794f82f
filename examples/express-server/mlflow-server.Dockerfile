# syntax=docker/dockerfile:1
#
# The MLflow tracking server of compose.yaml: MLflow at the version senti-mlops is tested against
# (test/peers/requirements.txt) and boto3, for artifacts on the S3-compatible store.
FROM python:3.12-slim
RUN pip install --no-cache-dir mlflow==3.17.2 boto3==1.44.8
RUN useradd --uid 1000 --create-home mlflow && mkdir -p /mlflow && chown 1000:1000 /mlflow
USER 1000:1000
WORKDIR /mlflow
EXPOSE 5000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/health', timeout=4)"]
