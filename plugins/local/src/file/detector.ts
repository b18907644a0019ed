// File change detectors for local.file (Alloy's internal/filedetector):
// - poll: asks for a re-read every poll_frequency, whatever changed;
// - fsnotify: re-reads on every filesystem event for the file (fs.watch), and also
//   every poll_frequency as a fallback. A watch dies when the file is deleted,
//   renamed or replaced; it is re-established after the next read or poll that
//   finds the file again.
import { type FSWatcher, watch } from "node:fs";

export type DetectorKind = "fsnotify" | "poll";

export interface Detector {
  /** Re-arms the fs.watch watch if it is not active (no-op for poll). */
  ensureWatch(): void;
  close(): void;
}

export interface DetectorOptions {
  kind: DetectorKind;
  filename: string;
  pollFrequencyMs: number;
  /** Asks the component to re-read the file. */
  reload: () => void;
  /** Reports a watch problem (logged; the poll fallback carries on). */
  warn: (message: string, err: unknown) => void;
}

export function startDetector(opts: DetectorOptions): Detector {
  return opts.kind === "poll" ? new PollDetector(opts) : new FsNotifyDetector(opts);
}

class PollDetector implements Detector {
  private readonly timer: NodeJS.Timeout;
  constructor(opts: DetectorOptions) {
    this.timer = setInterval(opts.reload, opts.pollFrequencyMs).unref();
  }
  ensureWatch(): void {}
  close(): void {
    clearInterval(this.timer);
  }
}

class FsNotifyDetector implements Detector {
  private readonly timer: NodeJS.Timeout;
  private watcher: FSWatcher | undefined;
  private closed = false;

  constructor(private readonly opts: DetectorOptions) {
    this.timer = setInterval(() => {
      this.ensureWatch();
      opts.reload();
    }, opts.pollFrequencyMs).unref();
    this.ensureWatch();
  }

  ensureWatch(): void {
    if (this.closed || this.watcher) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(this.opts.filename, { persistent: false });
    } catch (err) {
      // The file may not exist (yet); the poll fallback retries.
      this.opts.warn("failed to watch file", err);
      return;
    }
    this.watcher = watcher;
    watcher.on("change", (eventType) => {
      // "rename" means the watched inode was deleted, moved or replaced: this watch
      // is dead. Drop it so the next read (or poll) watches the path again.
      if (eventType === "rename") this.dropWatch();
      this.opts.reload();
    });
    watcher.on("error", (err) => {
      // Treated as a change, as Alloy does: the re-read reports any real problem.
      this.opts.warn("got error from file watcher; treating as file updated event", err);
      this.dropWatch();
      this.opts.reload();
    });
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.dropWatch();
  }

  private dropWatch(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }
}
