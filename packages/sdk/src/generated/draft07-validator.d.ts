import type { PrecompiledValidator } from "./validators.js";
export declare const validateDraft07: PrecompiledValidator;
