/** The page: four panels over one IndexedDB tracking store, and the offline cache. */
import { mountPredictPanel } from "./predict-panel.js";
import { mountRunsPanel } from "./runs-panel.js";
import { mountSharePanel } from "./share-panel.js";
import { mountTrainPanel } from "./train-panel.js";
import { registerOffline } from "./offline.js";

registerOffline();
mountPredictPanel();
mountTrainPanel();
mountRunsPanel();
mountSharePanel();
