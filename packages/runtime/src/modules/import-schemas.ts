// Argument schemas of import.file and import.string (Alloy's), compiled once.
import { type CompiledComponentSchemas, compileComponentSchemas } from "@ingot/sdk";
import type { ObjectValue } from "@ingot/syntax";

let file: CompiledComponentSchemas | undefined;
let str: CompiledComponentSchemas | undefined;

const noExports = { type: "object", properties: {}, additionalProperties: true } as const;

export function importSchemas(kind: "file" | "string"): CompiledComponentSchemas {
  if (kind === "file") {
    file ??= compileComponentSchemas({
      name: "import.file",
      stability: "generally-available",
      arguments: {
        type: "object",
        properties: {
          filename: { type: "string" },
          detector: { type: "string", enum: ["fsnotify", "poll"], default: "fsnotify" },
          poll_frequency: { type: "string", "x-alloy-type": "duration", default: "1m" },
        },
        required: ["filename"],
        additionalProperties: false,
      },
      exports: noExports,
    });
    return file;
  }
  str ??= compileComponentSchemas({
    name: "import.string",
    stability: "generally-available",
    arguments: {
      type: "object",
      properties: { content: { type: "string", "x-alloy-type": "optional-secret" } },
      required: ["content"],
      additionalProperties: false,
    },
    exports: noExports,
  });
  return str;
}

/** The schemas of an import node: its arguments as above; nothing visible in the scope as exports. */
export function importNodeSchemas(kind: "file" | "string"): CompiledComponentSchemas {
  const base = importSchemas(kind);
  const out = Object.create(base) as CompiledComponentSchemas;
  (out as { encodeExports: (x: unknown) => ObjectValue }).encodeExports = () => new Map();
  return out;
}
