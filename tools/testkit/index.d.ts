export declare const repoRoot: string;
/** Where upstream conformance data lives: $INGOT_CONFORMANCE_DIR or ../shared/conformance. */
export declare function conformanceDir(): string;
/** Absolute path inside the conformance data; throws a clear error when it is absent. */
export declare function conformancePath(...parts: string[]): string;
export interface TxtarFile {
  name: string;
  data: string;
}
export interface Txtar {
  comment: string;
  files: TxtarFile[];
}
export declare function parseTxtar(text: string): Txtar;
export declare function readTxtar(path: string): Txtar;
