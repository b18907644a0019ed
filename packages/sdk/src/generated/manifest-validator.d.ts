import type { PrecompiledValidator } from "./validators.js";
export declare const validateManifestSchema: PrecompiledValidator;
