// Argument schemas of the import blocks (Alloy's, plus Ingot's import.registry and
// import.s3), compiled once.
import { type CompiledComponentSchemas, compileComponentSchemas } from "@ingot/sdk";
import { basicAuthSchema, blockSchema, httpClientAuthSchemaProperties, secretSchema } from "@ingot/sdk/http-client";
import type { ObjectValue } from "@ingot/syntax";

export type ImportKind = "file" | "string" | "http" | "git" | "registry" | "s3";

/** Import block names and their kinds. */
export const IMPORT_BLOCKS: Record<string, ImportKind> = {
  "import.file": "file",
  "import.string": "string",
  "import.http": "http",
  "import.git": "git",
  "import.registry": "registry",
  "import.s3": "s3",
};

const compiled = new Map<ImportKind, CompiledComponentSchemas>();

const noExports = { type: "object", properties: {}, additionalProperties: true } as const;
const duration = (d: string) => ({ type: "string", "x-alloy-type": "duration", default: d });
const secret = secretSchema;
const block = blockSchema;
const httpClient = block({
  bearer_token: httpClientAuthSchemaProperties.bearer_token,
  bearer_token_file: httpClientAuthSchemaProperties.bearer_token_file,
  follow_redirects: { type: "boolean", default: true },
  basic_auth: basicAuthSchema,
  authorization: httpClientAuthSchemaProperties.authorization,
  tls_config: httpClientAuthSchemaProperties.tls_config,
});

const ARGUMENTS: Record<ImportKind, { properties: Record<string, unknown>; required: string[] }> = {
  file: {
    properties: {
      filename: { type: "string" },
      detector: { type: "string", enum: ["fsnotify", "poll"], default: "fsnotify" },
      poll_frequency: duration("1m"),
    },
    required: ["filename"],
  },
  string: {
    properties: { content: { type: "string", "x-alloy-type": "optional-secret" } },
    required: ["content"],
  },
  http: {
    properties: {
      url: { type: "string" },
      method: { type: "string", default: "GET" },
      headers: { type: "object", additionalProperties: { type: "string" }, default: {} },
      poll_frequency: duration("1m"),
      poll_timeout: duration("10s"),
      client: httpClient,
    },
    required: ["url"],
  },
  git: {
    properties: {
      repository: { type: "string" },
      revision: { type: "string", default: "HEAD" },
      path: { type: "string" },
      pull_frequency: duration("60s"),
      basic_auth: basicAuthSchema,
    },
    required: ["repository", "path"],
  },
  registry: {
    properties: {
      name: { type: "string" },
      version: { type: "string", default: "*" },
      registry: { type: "string" },
      poll_frequency: duration("1m"),
      bearer_token: secret,
    },
    required: ["name", "registry"],
  },
  s3: {
    properties: {
      bucket: { type: "string" },
      key: { type: "string" },
      prefix: { type: "string" },
      region: { type: "string" },
      endpoint: { type: "string" },
      force_path_style: { type: "boolean", default: false },
      poll_frequency: duration("1m"),
      client: block({ key: { type: "string" }, secret }),
    },
    required: ["bucket"],
  },
};

export function importSchemas(kind: ImportKind): CompiledComponentSchemas {
  let s = compiled.get(kind);
  if (!s) {
    const a = ARGUMENTS[kind];
    s = compileComponentSchemas({
      name: `import.${kind}`,
      stability: "generally-available",
      arguments: { type: "object", properties: a.properties, required: a.required, additionalProperties: false },
      exports: noExports,
    });
    compiled.set(kind, s);
  }
  return s;
}

/** The schemas of an import node: its arguments as above; nothing visible in the scope as exports. */
export function importNodeSchemas(kind: ImportKind): CompiledComponentSchemas {
  const base = importSchemas(kind);
  const out = Object.create(base) as CompiledComponentSchemas;
  (out as { encodeExports: (x: unknown) => ObjectValue }).encodeExports = () => new Map();
  return out;
}
