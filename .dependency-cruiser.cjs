/**
 * The layers of src/, bottom to top (docs/architecture.md explains them). A module may import its
 * own folder and the layers below its own; siblings on one layer do not import each other. So a
 * folder-level cycle, or an import that reaches up, fails `npm test` (test/architecture.test.ts).
 */
const LAYERS = [
  ["base", "^src/(errors|types|optional-peer|predict)\\.ts$"],
  ["evaluation", "^src/evaluation/"],
  ["mlflow", "^src/mlflow/"],
  ["adapters", "^src/adapters/"],
  ["tfidf", "^src/tfidf/", "bert", "^src/bert/"],
  ["registry", "^src/registry/"],
  ["tracking", "^src/tracking/"],
  ["models", "^src/models/"],
  ["node", "^src/node/", "data", "^src/data/"],
  ["runtime", "^src/runtime/"],
  ["api", "^src/api/"],
  ["entries", "^src/entries/", "root-entry", "^src/index\\.ts$", "cli", "^src/cli/"],
];

const rules = [];
LAYERS.forEach((layer, level) => {
  const below = LAYERS.slice(0, level).flatMap((l) => l.filter((_, i) => i % 2 === 1));
  for (let i = 0; i < layer.length; i += 2) {
    const [name, path] = [layer[i], layer[i + 1]];
    // Entries, the root entry and the CLI sit side by side on the top layer and may use each other.
    const sameLayer = name === "entries" || name === "root-entry" || name === "cli" ? layer.filter((_, j) => j % 2 === 1) : [path];
    rules.push({
      name: `layer-${name}`,
      comment: `${name} may import only its own folder and the layers below it`,
      severity: "error",
      from: { path },
      to: { path: "^src/", pathNot: [...below, ...sameLayer].map((p) => `(${p})`).join("|") },
    });
  }
});

module.exports = {
  forbidden: [
    ...rules,
    {
      name: "no-circular",
      comment: "no import cycles between modules (cycles of type-only imports erase at compile time and are allowed)",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    {
      name: "no-unlayered",
      comment: "every module of src/ belongs to a layer",
      severity: "error",
      from: { path: "^src/", pathNot: LAYERS.flatMap((l) => l.filter((_, i) => i % 2 === 1)).map((p) => `(${p})`).join("|") },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    includeOnly: "^src/",
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
  },
};
