// Real-process plumbing for the end-to-end tests: finding binaries, free loopback
// ports, spawning with captured output, waiting for readiness, and cleanup that
// survives a failing test (every child is SIGKILLed when the test process exits).
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";

/** The path of an executable on $PATH, or undefined. */
export function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The path of a required binary. Throws (failing the test, never skipping it) with
 * the fix when it is missing: the Debian packages are installed by .ci/run.
 */
export function requireBinary(name: string): string {
  const p = which(name);
  if (p === undefined) {
    throw new Error(
      `${name} not found on PATH: the end-to-end tests run the real Prometheus and node_exporter. ` +
        "Run .ci/run (as root it installs Debian's prometheus and prometheus-node-exporter), or " +
        "`apt-get install -y --no-install-recommends prometheus prometheus-node-exporter`.",
    );
  }
  return p;
}

/** A port that was free on 127.0.0.1 a moment ago (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = addr && typeof addr === "object" ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Thrown from a `waitFor` check to stop waiting at once (e.g. the process died). */
export class FatalWaitError extends Error {}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Polls `check` every `intervalMs` until it returns a value other than undefined/false,
 * or throws after `timeoutMs` with `what` and the last error or value in the message.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 15_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v as T;
      last = v;
    } catch (err) {
      if (err instanceof FatalWaitError) throw err;
      last = err;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${detail})`);
    }
    await sleep(intervalMs);
  }
}

const live = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of live) c.kill("SIGKILL");
});

const MAX_OUTPUT = 512 * 1024;

/** A spawned process with its output kept (the last 512 KiB of each stream). */
export class ManagedProcess {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  exitCode: number | null = null;
  exitSignal: NodeJS.Signals | null = null;
  readonly exited: Promise<void>;
  private listeners: Array<() => void> = [];

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
  ) {
    this.child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    live.add(this.child);
    this.child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      this.stdout = (this.stdout + d).slice(-MAX_OUTPUT);
      this.notify();
    });
    this.child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      this.stderr = (this.stderr + d).slice(-MAX_OUTPUT);
      this.notify();
    });
    this.exited = new Promise((resolve) => {
      this.child.on("exit", (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        live.delete(this.child);
        this.notify();
        resolve();
      });
      this.child.on("error", (err) => {
        this.stderr += `\nspawn error: ${err.message}`;
        live.delete(this.child);
        this.notify();
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitCode === null && this.exitSignal === null && live.has(this.child);
  }

  private notify() {
    for (const l of this.listeners) l();
  }

  /** The last lines of both streams, for error messages. */
  tail(chars = 4000): string {
    const out = this.stdout.trim() ? `--- stdout ---\n${this.stdout.slice(-chars)}\n` : "";
    return `${out}--- stderr ---\n${this.stderr.slice(-chars)}`;
  }

  /**
   * Resolves with the first match of `re` in stderr+stdout; rejects when the process
   * exits first or after `timeoutMs`, with the output tail in the message.
   */
  waitForOutput(re: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.stderr.match(re) ?? this.stdout.match(re);
        if (m) return done(() => resolve(m));
        if (!this.running) {
          done(() =>
            reject(
              new Error(
                `${this.name} exited (code ${this.exitCode}, signal ${this.exitSignal}) before printing ${re}\n${this.tail()}`,
              ),
            ),
          );
        }
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`${this.name}: no ${re} within ${timeoutMs} ms\n${this.tail()}`))),
        timeoutMs,
      );
      const done = (f: () => void) => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
        f();
      };
      this.listeners.push(check);
      check();
    });
  }

  /** Sends a signal now (SIGKILL: no cleanup at all in the child). */
  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    if (this.running) this.child.kill(signal);
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.running) return;
    this.child.kill("SIGTERM");
    const t = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(t);
  }
}

/** GET on a loopback URL: status and body text (never throws on HTTP errors). */
export async function httpGet(url: string, timeoutMs = 5_000): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.text() };
}

/** Waits until GET `url` answers 200. */
export async function waitHttpOk(url: string, proc?: ManagedProcess, timeoutMs = 20_000): Promise<void> {
  await waitFor(
    `200 from ${url}`,
    async () => {
      if (proc && !proc.running) {
        throw new FatalWaitError(`${proc.name} exited (code ${proc.exitCode}, signal ${proc.exitSignal})`);
      }
      const r = await httpGet(url, 2_000);
      return r.status === 200;
    },
    { timeoutMs, intervalMs: 50 },
  ).catch((err: Error) => {
    throw new Error(proc ? `${err.message}\n${proc.tail()}` : err.message);
  });
}
