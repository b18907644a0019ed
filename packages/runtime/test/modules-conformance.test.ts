// Alloy's module scenarios (import_file, import_file_folder, import_string,
// import_error), table-driven from the conformance data; see module-scenarios.ts.
import { describe, it } from "node:test";
import { runScenario, scenarioFiles } from "./module-scenarios.js";

for (const folder of ["import_file", "import_file_folder", "import_string", "import_error"]) {
  describe(`modules conformance: ${folder}`, { concurrency: 4 }, () => {
    for (const file of scenarioFiles(folder)) {
      it(file.slice(file.lastIndexOf("/") + 1), async () => {
        await runScenario(file);
      });
    }
  });
}
