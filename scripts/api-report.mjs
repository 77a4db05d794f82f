#!/usr/bin/env node
// The API report of every entry of the package (API Extractor, from the built .d.ts files in
// dist/): etc/api/<entry>.api.md. `node scripts/api-report.mjs` fails, printing the difference, when
// a report no longer matches what dist/ exports; `--update` rewrites the reports. Run after the build.
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Extractor, ExtractorConfig } from "@microsoft/api-extractor";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const update = process.argv.includes("--update");
const pkg = (await import(join(root, "package.json"), { with: { type: "json" } })).default;

// One report per entry of package.json "exports" (its ESM types).
const entries = Object.entries(pkg.exports)
  .filter(([key]) => key !== "./package.json")
  .map(([key, value]) => {
    const esm = value.import ?? value.node?.import;
    return { name: key === "." ? "senti-mlops" : `senti-mlops.${key.slice(2)}`, types: join(root, esm.types) };
  });

mkdirSync(join(root, "etc", "api"), { recursive: true });
const tempFolder = join(root, ".cache", "api-report");
mkdirSync(tempFolder, { recursive: true });
let changed = 0;
for (const entry of entries) {
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: root,
      mainEntryPointFilePath: entry.types,
      compiler: { overrideTsconfig: { compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2023", "DOM"], types: ["node"], skipLibCheck: true, strict: true } } },
      apiReport: { enabled: true, reportFileName: `${entry.name}.api.md`, reportFolder: join(root, "etc", "api"), reportTempFolder: tempFolder },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        // The package has no release tags (@public/@beta): every export is public.
        // Entries share types (a store type is exported by one subpath and used by another), so "forgotten
        // exports" and cross-entry links are expected; the report records every reference either way.
        extractorMessageReporting: { default: { logLevel: "none" } },
        tsdocMessageReporting: { default: { logLevel: "none" } },
        compilerMessageReporting: { default: { logLevel: "warning" } },
      },
    },
    configObjectFullPath: join(root, "package.json"),
    packageJsonFullPath: join(root, "package.json"),
  });
  const result = Extractor.invoke(config, { localBuild: update, showVerboseMessages: false, messageCallback: (m) => { if (m.logLevel === "warning" && !update) m.handled = false; } });
  if (result.apiReportChanged) {
    changed++;
    console.log(`${update ? "updated" : "CHANGED"}: etc/api/${entry.name}.api.md`);
  }
}
if (changed && !update) {
  console.log(`\n${changed} API report(s) differ from dist/: review the change, then run \`npm run api:update\` and commit etc/api/.`);
  process.exit(1);
}
console.log(`${entries.length} API reports ${update ? "written" : "match"}`);
