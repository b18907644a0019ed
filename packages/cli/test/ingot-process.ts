// Starts the real `ingot run` as a child process and reads its listen address from
// the startup line, for end-to-end tests.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "@ingot/testkit";

export const bin = join(repoRoot, "packages", "cli", "bin", "ingot.js");

export interface RunningIngot {
  proc: ChildProcess;
  /** "host:port" from the startup line. */
  address: string;
  base: string;
  stderr(): string;
  stdout(): string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

/** Spawns `ingot <args>`; resolves once it prints the listen address, rejects if it exits first. */
export function startIngot(
  args: string[],
  opts: { cwd?: string; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<RunningIngot> {
  const proc = spawn(process.execPath, [bin, ...args], {
    cwd: opts.cwd ?? repoRoot,
    env: { ...process.env, NO_COLOR: "1", ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  let out = "";
  proc.stdout?.setEncoding("utf8").on("data", (d: string) => (out += d));
  proc.stderr?.setEncoding("utf8").on("data", (d: string) => (err += d));
  const exited = new Promise<number | string>((resolve) =>
    proc.on("exit", (code, signal) => resolve(code ?? signal ?? "unknown")),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error(`ingot did not start in time; stderr:\n${err}`));
    }, opts.timeoutMs ?? 10_000);
    const onData = () => {
      const m = /msg="now listening for http traffic".* addr=(\S+)/.exec(err);
      if (!m) return;
      clearTimeout(timer);
      proc.stderr?.off("data", onData);
      const address = m[1] as string;
      resolve({ proc, address, base: `http://${address}`, stderr: () => err, stdout: () => out, exited });
    };
    proc.stderr?.on("data", onData);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`ingot exited (${code}) before listening; stderr:\n${err}`));
    });
  });
}

/** Polls until the predicate holds (components load asynchronously after listening). */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function httpGet(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; type: string; body: string }> {
  const r = await fetch(url, init);
  return { status: r.status, type: r.headers.get("content-type") ?? "", body: await r.text() };
}
