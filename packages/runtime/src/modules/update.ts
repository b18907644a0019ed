// `ingot modules update`: fetch every remote import of a configuration (top-level,
// inside declare bodies, and nested in imported content), refresh the module cache
// and rewrite the `modules` key of ingot.lock beside the config.
import { dirname, join, resolve } from "node:path";
import {
  type BlockStmt,
  blockName,
  diagnosticString,
  endPos,
  hasErrors,
  parseFile,
  Scope,
  type SourceFile,
  startPos,
} from "@ingot/syntax";
import type { ConfigSource } from "../api.js";
import { IMPORT_BLOCKS, importSchemas } from "./import-schemas.js";
import { type ImportArgs, ImportSource } from "./import-source.js";
import { errorMessage, LOCKFILE_NAME, type LockedModule, type RemoteEnv, writeLockedModules } from "./remote.js";

export interface UpdateModulesOptions {
  /** The configuration's files (a file, or each *.alloy of a directory). */
  sources: ConfigSource[];
  storagePath: string;
  /** Default: ingot.lock in the directory of the first source. */
  lockPath?: string;
}

export interface UpdateModulesResult {
  lockPath: string;
  /** The entries written, by lock key. */
  modules: Map<string, LockedModule>;
  /** Imports that could not be fetched (the lock is not written when any). */
  errors: string[];
  /** Imports whose arguments depend on values known only when running (not locked). */
  skipped: string[];
}

class NotStatic extends Error {}

function importBlocks(body: readonly BlockStmt["body"][number][], out: BlockStmt[]): void {
  for (const stmt of body) {
    if (stmt.kind !== "Block") continue;
    const name = blockName(stmt);
    if (IMPORT_BLOCKS[name]) out.push(stmt);
    else if (name === "declare") importBlocks(stmt.body, out);
  }
}

/** Fetches every import and rewrites the lock's `modules` key when all succeeded. */
export async function updateModulesLock(opts: UpdateModulesOptions): Promise<UpdateModulesResult> {
  const first = opts.sources[0]?.name;
  const rootDir = first ? resolve(dirname(first)) : process.cwd();
  const lockPath = opts.lockPath ?? join(rootDir, LOCKFILE_NAME);
  const collected = new Map<string, LockedModule>();
  const env: RemoteEnv = { storagePath: resolve(opts.storagePath), lockPath, mode: "update", collected };
  const errors: string[] = [];
  const skipped: string[] = [];
  for (const src of opts.sources) {
    const { file, diagnostics } = parseFile(src.name, src.text);
    if (hasErrors(diagnostics)) {
      errors.push(...diagnostics.map(diagnosticString));
      continue;
    }
    const blocks: BlockStmt[] = [];
    importBlocks(file.body, blocks);
    for (const b of blocks) {
      const name = blockName(b);
      const id = `${name}.${b.label}`;
      try {
        await loadImport(b, file.source, rootDir, env);
      } catch (e) {
        (e instanceof NotStatic ? skipped : errors).push(`${id}: ${errorMessage(e)}`);
      }
    }
  }
  if (errors.length === 0) writeLockedModules(lockPath, collected);
  return { lockPath, modules: collected, errors, skipped };
}

async function loadImport(b: BlockStmt, source: SourceFile, modulePath: string, env: RemoteEnv): Promise<void> {
  const name = blockName(b);
  const kind = IMPORT_BLOCKS[name];
  const r = importSchemas(kind).decodeArguments(b.body, new Scope(new Map([["module_path", modulePath]])), source, {
    start: startPos(b),
    end: endPos(b),
  });
  if (!r.ok) throw new NotStatic(r.diagnostics.map(diagnosticString).join("; "));
  const s = new ImportSource(kind, r.value as ImportArgs, modulePath, () => {}, {
    localId: `${name}.${b.label}`,
    remote: env,
  });
  try {
    await s.load();
  } finally {
    s.close();
  }
}
