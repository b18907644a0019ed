// Alloy-like structured logging: one line per entry, logfmt
// (`ts=2024-01-02T03:04:05.678Z level=info msg="..." component_path=/ component_id=x key=value`)
// or JSON. Secrets (branded, or @ingot/syntax Secret) always print as "(secret)".
import { Secret } from "@ingot/syntax";
import type { Logger } from "./component.js";
import { isSecret, REDACTED } from "./values.js";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFormat = "logfmt" | "json";

const LEVEL_RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  /** Receives each line without its newline; default writes to stderr. */
  write?: (line: string) => void;
  /** Fields on every line (after ts, level and msg). */
  fields?: Record<string, unknown>;
  /** Clock, for tests. */
  now?: () => Date;
}

export interface RootLogger extends Logger {
  setLevel(level: LogLevel): void;
  setFormat(format: LogFormat): void;
  /** Sets level and/or format at once (Alloy's `logging { level, format }` block). */
  configure(options: { level?: LogLevel; format?: LogFormat }): void;
  readonly level: LogLevel;
  readonly format: LogFormat;
}

/** Whether a string is a valid log level (for the `logging` block). */
export function isLogLevel(s: unknown): s is LogLevel {
  return s === "debug" || s === "info" || s === "warn" || s === "error";
}

function plainValue(v: unknown): unknown {
  if (isSecret(v) || v instanceof Secret) return REDACTED;
  if (v instanceof Error) return v.message;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) return v.map(plainValue);
  if (v !== null && typeof v === "object") {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = plainValue(x);
    return o;
  }
  return v;
}

function logfmtValue(v: unknown): string {
  const p = plainValue(v);
  let s: string;
  if (p === undefined) s = "";
  else if (typeof p === "string") s = p;
  else if (p === null || typeof p !== "object") s = String(p);
  else s = JSON.stringify(p);
  // Quote when needed, as go-kit's logfmt does.
  if (s === "" || /[\s"=\\\u0000-\u001f\u007f]/.test(s)) return JSON.stringify(s);
  return s;
}

function logfmtKey(k: string): string {
  return k.replace(/[\s"=]/g, "_") || "_";
}

interface Shared {
  level: LogLevel;
  format: LogFormat;
  write: (line: string) => void;
  now: () => Date;
}

class LineLogger implements Logger {
  constructor(
    protected readonly shared: Shared,
    private readonly fields: Record<string, unknown>,
  ) {}

  private log(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    const sh = this.shared;
    if (LEVEL_RANK[level] < LEVEL_RANK[sh.level]) return;
    const ts = sh.now().toISOString();
    if (sh.format === "json") {
      const o: Record<string, unknown> = { ts, level, msg: message };
      for (const [k, v] of Object.entries(this.fields)) o[k] = plainValue(v);
      if (fields) for (const [k, v] of Object.entries(fields)) o[k] = plainValue(v);
      sh.write(JSON.stringify(o));
      return;
    }
    let line = `ts=${ts} level=${level} msg=${logfmtValue(message)}`;
    for (const k in this.fields) line += ` ${logfmtKey(k)}=${logfmtValue(this.fields[k])}`;
    if (fields) for (const k in fields) line += ` ${logfmtKey(k)}=${logfmtValue(fields[k])}`;
    sh.write(line);
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    this.log("debug", message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.log("info", message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.log("warn", message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.log("error", message, fields);
  }
  child(fields: Record<string, unknown>): Logger {
    return new LineLogger(this.shared, { ...this.fields, ...fields });
  }
}

class Root extends LineLogger implements RootLogger {
  get level(): LogLevel {
    return this.shared.level;
  }
  get format(): LogFormat {
    return this.shared.format;
  }
  setLevel(level: LogLevel): void {
    this.shared.level = level;
  }
  setFormat(format: LogFormat): void {
    this.shared.format = format;
  }
  configure(options: { level?: LogLevel; format?: LogFormat }): void {
    if (options.level) this.shared.level = options.level;
    if (options.format) this.shared.format = options.format;
  }
}

/**
 * A logger writing Alloy-like lines. Children (child({component_path, component_id}))
 * share the root's level and format, so `setLevel`/`setFormat` (the `logging` block)
 * apply to every component at once.
 */
export function createLogger(options: LoggerOptions = {}): RootLogger {
  const shared: Shared = {
    level: options.level ?? "info",
    format: options.format ?? "logfmt",
    write: options.write ?? ((line) => process.stderr.write(`${line}\n`)),
    now: options.now ?? (() => new Date()),
  };
  return new Root(shared, { ...options.fields });
}
