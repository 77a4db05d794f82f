/** Names shared by the page and the training worker. */

/** Where runs and registered models live: MLflow's schema in SQLite, kept in this origin's IndexedDB. */
export const TRACKING_URI = "indexeddb://senti-mlops-example";
export const EXPERIMENT_NAME = "browser-example";
export const MODEL_NAME = "sentiment-tfidf";
/** Every new training is registered and takes this alias; predictions use `models:/<name>@<alias>`. */
export const ALIAS = "champion";
export const CHAMPION_URI = `models:/${MODEL_NAME}@${ALIAS}`;
