/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Default BERT model folder URL (Hugging Face ONNX layout). */
  readonly VITE_BERT_URL?: string;
  /** Default MLflow server URL for "Push". */
  readonly VITE_MLFLOW_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
