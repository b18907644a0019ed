// @ingot/plugin-local: the local.file and local.file_match components. The manifest
// (ingot-plugin.json at the package root) declares them; this entry module provides
// their code under the same names.
import type { PluginModule } from "@ingot/sdk";
import { localFile } from "./file/component.js";
import { fileMatch } from "./file-match/component.js";

export type { FileArguments, FileExports } from "./file/component.js";
export type { FileMatchArguments, FileMatchExports } from "./file-match/component.js";

export const plugin: PluginModule = {
  components: {
    "local.file": localFile,
    "local.file_match": fileMatch,
  },
};

export default plugin;
