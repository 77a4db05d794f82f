/**
 * The page's starting settings (both can be changed in the page). The BERT model and the MLflow
 * server come from the query string (`?bert=…&mlflow=…`, handy for links and tests), else from
 * Vite's env variables (`VITE_BERT_URL`, `VITE_MLFLOW_URL`, read at build time), else from the
 * defaults below.
 */

/**
 * A folder in the Hugging Face ONNX layout, relative to the page. `npm start` and `npm run dev`
 * serve the repository's test model (../shared/models/bert-tiny-sst2) there when it exists; any
 * other deployment sets VITE_BERT_URL or `?bert=`.
 */
const DEFAULT_BERT_URL = "models/bert-tiny-sst2";
const DEFAULT_MLFLOW_URL = "http://127.0.0.1:5000";

const query = new URLSearchParams(location.search);

export const initialBertUrl: string = query.get("bert") || import.meta.env.VITE_BERT_URL || DEFAULT_BERT_URL;
export const initialMlflowUrl: string = query.get("mlflow") || import.meta.env.VITE_MLFLOW_URL || DEFAULT_MLFLOW_URL;
