// Test helpers: raw tarballs built entry by entry (to make the bad ones registries must
// refuse), a tiny real plugin written to a directory, and a registry on 127.0.0.1.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { Header } from "tar";
import { createRegistryServer, FileStorage, type RegistryServerOptions, type RegistryStorage } from "../src/index.js";

export interface RawEntry {
  path: string;
  type?: "File" | "Directory" | "SymbolicLink" | "Link" | "CharacterDevice";
  data?: string | Buffer;
  linkpath?: string;
}

/** A gzipped tar holding exactly these entries, in order (nothing sanitised). */
export function rawTgz(entries: RawEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const data = e.data === undefined ? Buffer.alloc(0) : Buffer.from(e.data);
    const type = e.type ?? "File";
    const h = new Header({
      path: e.path,
      type,
      size: type === "File" ? data.length : 0,
      mode: type === "Directory" ? 0o755 : 0o644,
      mtime: new Date(0),
      ...(e.linkpath !== undefined ? { linkpath: e.linkpath } : {}),
    });
    const block = Buffer.alloc(512);
    h.encode(block, 0);
    blocks.push(block);
    if (type === "File" && data.length > 0) {
      blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

export const ENTRY_JS = `export default {
  components: {
    "%NAME%": {
      build(ctx, args) {
        ctx.setExports({ upper: String(args.text).toUpperCase() });
        ctx.setHealth("healthy");
        return { async run(signal) { await new Promise((r) => signal.addEventListener("abort", r)); }, update() {} };
      },
    },
  },
};
`;

export function pluginManifest(component: string): string {
  return JSON.stringify({
    pluginApi: "^1.0.0",
    entry: "./index.js",
    components: [
      {
        name: component,
        stability: "experimental",
        description: "Exports its text upper-cased.",
        arguments: {
          type: "object",
          required: ["text"],
          additionalProperties: false,
          properties: { text: { type: "string" } },
        },
        exports: { type: "object", properties: { upper: { type: "string" } } },
      },
    ],
  });
}

/** The files of a working one-component plugin. */
export function pluginFiles(name: string, version: string, component = "regtest.echo"): Record<string, string> {
  return {
    "package.json": JSON.stringify({ name, version, type: "module", description: `test plugin ${name}` }),
    "ingot-plugin.json": pluginManifest(component),
    "index.js": ENTRY_JS.replace("%NAME%", component),
  };
}

/** Entries under "package/" for the files. */
export function entriesOf(files: Record<string, string>): RawEntry[] {
  return Object.entries(files).map(([path, data]) => ({ path: `package/${path}`, data }));
}

export function writeTree(dir: string, files: Record<string, string>): string {
  for (const [path, data] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), data);
  }
  return dir;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export const TOKEN = "test-token-0123456789";

export interface TestRegistry {
  url: string;
  storage: RegistryStorage;
  /** Replaces a stored artifact's bytes behind the registry's back. */
  tamper(name: string, version: string, bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** Where a test registry keeps its packages. */
export interface StorageBackend {
  name: string;
  create(): { storage: RegistryStorage; tamper(name: string, version: string, bytes: Uint8Array): Promise<void> };
}

export const fileBackend: StorageBackend = {
  name: "file",
  create() {
    const storage = new FileStorage(tempDir("ingot-registry-"));
    return {
      storage,
      tamper: async (name, version, bytes) => writeFileSync(storage.artifactPath(name, version), bytes),
    };
  },
};

export async function startRegistry(
  opts: Partial<RegistryServerOptions> = {},
  backend: StorageBackend = fileBackend,
): Promise<TestRegistry> {
  const { storage, tamper } = backend.create();
  const app = createRegistryServer({ storage, tokens: [TOKEN], ...opts });
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  return { url: address, storage, tamper, close: () => app.close() };
}
