// bert-page.js in a page like many: it also bundles CommonJS-style code that looks for `require`,
// and touches the document at its top level. Vite (rolldown) then puts its `require` helper in the
// page's entry chunk, and onnxruntime-web's chunk imports that chunk: onnxruntime-web's worker
// threads run the page's entry, which throws in a worker (there is no document), and never start.
import "./bert-page.js";

globalThis.cjsRequire = typeof require === "function" ? require : undefined;
document.title = "senti-mlops bert";
