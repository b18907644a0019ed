// `ingot run` as a real process: node packages/cli/bin/ingot.js run CONFIG
// --server.http.listen-addr=127.0.0.1:0 --storage.path=DIR. The address comes from its
// log line `msg="now listening for http traffic" addr=...` on stderr.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { repoRoot } from "@ingot/testkit";
import { httpGet, ManagedProcess, waitHttpOk } from "./procs.js";

export const ingotBin = join(repoRoot, "packages", "cli", "bin", "ingot.js");

export class IngotProcess {
  private constructor(
    readonly proc: ManagedProcess,
    readonly address: string,
  ) {}

  get url(): string {
    return `http://${this.address}`;
  }

  /**
   * Starts Ingot with `configFile` on `storagePath` (reuse it to restart on the same
   * WAL), waits for the listening log line and /-/ready. Rejects with Ingot's
   * output when it exits first (e.g. a component is not registered yet).
   */
  static async start(opts: {
    configFile: string;
    storagePath: string;
    env?: NodeJS.ProcessEnv;
  }): Promise<IngotProcess> {
    const proc = new ManagedProcess(
      "ingot",
      process.execPath,
      [ingotBin, "run", opts.configFile, "--server.http.listen-addr=127.0.0.1:0", `--storage.path=${opts.storagePath}`],
      { cwd: repoRoot, env: { ...process.env, ...opts.env } },
    );
    try {
      const m = await proc.waitForOutput(/now listening for http traffic"?[^\n]*?\baddr="?([^"\s]+)/, 30_000);
      const ingot = new IngotProcess(proc, m[1] as string);
      await waitHttpOk(`${ingot.url}/-/ready`, proc, 30_000);
      return ingot;
    } catch (err) {
      proc.kill("SIGKILL");
      throw err;
    }
  }

  /** Ingot's own /metrics text. */
  async metrics(): Promise<string> {
    return (await httpGet(`${this.url}/metrics`)).body;
  }

  /** JSON of /api/v0/web/components/{id} (health, debug info). */
  async component(id: string): Promise<unknown> {
    const r = await httpGet(`${this.url}/api/v0/web/components/${encodeURIComponent(id)}`);
    return JSON.parse(r.body);
  }

  /** SIGKILL: no shutdown code runs (no flush, no final WAL write). */
  async kill(): Promise<void> {
    this.proc.kill("SIGKILL");
    await this.proc.exited;
  }

  stop(): Promise<void> {
    return this.proc.stop(10_000);
  }
}

/** Writes an Alloy config into `dir` and returns its path. */
export async function writeConfig(dir: string, name: string, text: string): Promise<string> {
  const file = join(dir, `${name}.alloy`);
  await writeFile(file, text);
  return file;
}
