// Built-in configuration blocks: blocks the runtime handles itself instead of a
// plugin. Today that is `logging`; the module blocks (`declare`, `argument`, `export`,
// `import.*`) live in modules/ and are planned in plan.ts; `foreach` and unknown
// import kinds are refused here.
import {
  type CompiledComponentSchemas,
  compileComponentSchemas,
  type LogFormat,
  type LogLevel,
  type RootLogger,
} from "@ingot/sdk";
import { IMPORT_BLOCKS } from "./modules/import-schemas.js";

export interface BuiltinContext {
  /** The runtime's root logger (reconfigurable). */
  logger: RootLogger;
  /** The logger's settings before any `logging` block applied. */
  initialLogging: { level: LogLevel; format: LogFormat };
}

export interface BuiltinBlock {
  /** Block name as written: `logging`. */
  name: string;
  /** Whether the block takes a label (its node id is then `name.label`). */
  labeled: boolean;
  /** The block's argument schema, compiled like a component's. */
  schemas: CompiledComponentSchemas;
  /** Applies newly evaluated arguments (called only when they changed). */
  apply(args: Record<string, unknown>, ctx: BuiltinContext): void | Promise<void>;
  /** Applies the defaults when the block is removed from the config. */
  reset?(ctx: BuiltinContext): void;
}

// Compiled on first use: after the runtime has set the validator cache, and never by
// commands that load no configuration.
let loggingSchemas: CompiledComponentSchemas | undefined;
const loggingManifest = () =>
  ({
    name: "logging",
    stability: "generally-available",
    arguments: {
      type: "object",
      properties: {
        level: { type: "string", enum: ["debug", "info", "warn", "error"], default: "info" },
        format: { type: "string", enum: ["logfmt", "json"], default: "logfmt" },
      },
      additionalProperties: false,
    },
    exports: { type: "object", properties: {}, additionalProperties: false },
  }) as const;

/** Alloy's `logging` block: level and format of the process's log lines. */
const logging: BuiltinBlock = {
  name: "logging",
  labeled: false,
  get schemas() {
    loggingSchemas ??= compileComponentSchemas(loggingManifest() as Parameters<typeof compileComponentSchemas>[0]);
    return loggingSchemas;
  },
  apply(args, ctx) {
    ctx.logger.setLevel(args.level as LogLevel);
    ctx.logger.setFormat(args.format as LogFormat);
  },
  reset(ctx) {
    ctx.logger.setLevel(ctx.initialLogging.level);
    ctx.logger.setFormat(ctx.initialLogging.format);
  },
};

export const builtinBlocks: ReadonlyMap<string, BuiltinBlock> = new Map([[logging.name, logging]]);

/**
 * Block names reserved for later features, with the diagnostic a config using them
 * gets today. Module support replaces these entries with BuiltinBlocks.
 */
export function reservedBlockMessage(name: string): string | undefined {
  if (name === "foreach") return `the "foreach" block is not supported yet`;
  if (name === "import" || (name.startsWith("import.") && !Object.hasOwn(IMPORT_BLOCKS, name))) {
    return `the "${name}" block is not supported: the imports are ${Object.keys(IMPORT_BLOCKS).join(", ")}`;
  }
  if (name === "tracing") return `the "tracing" block is not supported by Ingot`;
  return undefined;
}
