// local.file: exposes the content of a file on disk and keeps it current (Alloy's
// local.file). The file is read at build and on every update; while running, a
// detector asks for re-reads. A read that fails leaves the last content exported and
// makes the component unhealthy until a later read succeeds.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { Component, ComponentContext, ComponentDefinition, SecretString } from "@ingot/sdk";
import { secret } from "@ingot/sdk";
import { type Detector, type DetectorKind, startDetector } from "./detector.js";
import { describeFsError } from "./fs-error.js";

export interface FileArguments {
  filename: string;
  detector: DetectorKind;
  /** Milliseconds (decoded from a duration such as "1m"). */
  poll_frequency: number;
  is_secret: boolean;
}

export interface FileExports {
  /** Plain text, or a secret when is_secret is set. */
  content: string | SecretString;
}

/**
 * Wait between a change notice and the read, so a burst of events becomes one read
 * and partial writes are less likely to be exported (Alloy waits 30ms too).
 */
const WAIT_READ_MS = 30;

export const localFile: ComponentDefinition<FileArguments, FileExports> = {
  build(ctx, args) {
    const component = new LocalFileComponent(ctx, args);
    component.readNow();
    return component;
  },
};

class LocalFileComponent implements Component<FileArguments> {
  private args: FileArguments;
  private detector: Detector | undefined;
  private running = false;
  private content: string | undefined;
  private exportedSecret: boolean | undefined;
  private healthKey = "";
  private lastRead: Date | undefined;
  private lastError: string | undefined;
  private reads: Promise<void> = Promise.resolve();
  private pendingReload: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: ComponentContext<FileExports>,
    args: FileArguments,
  ) {
    validate(args);
    this.args = args;
  }

  async run(signal: AbortSignal): Promise<void> {
    this.running = true;
    this.restartDetector();
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener("abort", () => resolve(), { once: true });
    });
    this.running = false;
    this.closeDetector();
  }

  async update(args: FileArguments): Promise<void> {
    validate(args);
    this.args = args;
    // Read at once so a bad new filename shows in health right away; the detector
    // is tied to one path, so start a new one.
    await this.reads;
    this.readNow();
    if (this.running) this.restartDetector();
  }

  stop(): void {
    this.running = false;
    this.closeDetector();
  }

  debugInfo(): unknown {
    return {
      filename: this.args.filename,
      detector: this.args.detector,
      last_read: this.lastRead?.toISOString() ?? null,
      last_error: this.lastError ?? null,
      size_bytes: this.content === undefined ? null : Buffer.byteLength(this.content),
    };
  }

  /**
   * Reads synchronously, at build and update: the runtime waits for the first export
   * anyway (as Alloy's Update reads before returning), and for the small files
   * local.file is meant for a blocking read costs microseconds where an async one
   * costs a thread-pool round trip per syscall, which dominates loading large graphs.
   */
  readNow(): void {
    const { filename } = this.args;
    let text: string;
    try {
      text = readFileSync(filename, "utf8");
    } catch (err) {
      this.readFailed(err);
      return;
    }
    this.readSucceeded(text);
  }

  /** Re-reads asynchronously, while running; reads never overlap. */
  private reread(): Promise<void> {
    this.reads = this.reads.then(async () => {
      const { filename } = this.args;
      let text: string;
      try {
        text = await readFile(filename, "utf8");
      } catch (err) {
        // The arguments may have changed meanwhile; only report on the current file.
        if (filename === this.args.filename) this.readFailed(err);
        return;
      }
      if (filename === this.args.filename) this.readSucceeded(text);
    });
    return this.reads;
  }

  private readFailed(err: unknown): void {
    const { filename } = this.args;
    this.lastError = describeFsError(err, filename);
    this.ctx.logger.error("failed to read file", { path: filename, err: this.lastError });
    this.setHealth("unhealthy", `failed to read file: ${this.lastError}`);
  }

  private readSucceeded(text: string): void {
    const { is_secret } = this.args;
    this.lastRead = new Date();
    this.lastError = undefined;
    if (text !== this.content || is_secret !== this.exportedSecret) {
      this.content = text;
      this.exportedSecret = is_secret;
      this.ctx.setExports({ content: is_secret ? secret(text) : text });
    }
    this.setHealth("healthy", "read file");
    // A watch lost to a delete or an atomic replace is re-armed as soon as the file
    // is readable again.
    this.detector?.ensureWatch();
  }

  /** Coalesces change notices into one read after WAIT_READ_MS. */
  private scheduleReload = (): void => {
    if (this.pendingReload || !this.running) return;
    this.pendingReload = setTimeout(() => {
      this.pendingReload = undefined;
      if (this.running) void this.reread();
    }, WAIT_READ_MS);
  };

  private restartDetector(): void {
    this.closeDetector();
    this.detector = startDetector({
      kind: this.args.detector,
      filename: this.args.filename,
      pollFrequencyMs: this.args.poll_frequency,
      reload: this.scheduleReload,
      warn: (message, err) => this.ctx.logger.warn(message, { path: this.args.filename, err: String(err) }),
    });
  }

  private closeDetector(): void {
    this.detector?.close();
    this.detector = undefined;
    clearTimeout(this.pendingReload);
    this.pendingReload = undefined;
  }

  /** Reports health only when it changes, so the stamp says when it changed. */
  private setHealth(state: "healthy" | "unhealthy", message: string): void {
    const key = `${state}\0${message}`;
    if (key === this.healthKey) return;
    this.healthKey = key;
    this.ctx.setHealth(state, message);
  }
}

function validate(args: FileArguments): void {
  if (!(args.poll_frequency > 0)) throw new Error("poll_frequency must be greater than 0");
}
