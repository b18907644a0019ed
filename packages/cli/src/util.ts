// Shared helpers for commands: errors printed as `Error: ...`, Go-style file error
// messages, reading stdin.
import type { Readable, Writable } from "node:stream";
import { goErrnoText } from "@ingot/sdk";

export interface CliIO {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  /** Whether diagnostics may be coloured (Alloy colours when stdout is a terminal). */
  color?: boolean;
  /** Called once when a long-running command has started (`run`: the first load is done). */
  onStarted?: () => void;
}

/** A failure reported as `Error: <message>` with exit code 1, like a cobra RunE error. */
export class CommandError extends Error {
  override name = "CommandError";
}

/** Go's *PathError text for a failed file operation: "open x.alloy: no such file or directory". */
export function fsErrorMessage(op: string, path: string, err: unknown): string {
  const text = goErrnoText(err) ?? (err instanceof Error ? err.message : String(err));
  return `${op} ${path}: ${text}`;
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

/** Writes and resolves once the data is handed to the stream (keeps ordering with exit). */
export function write(stream: Writable, data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    // A closed pipe (`ingot fmt x | head`) is not an error of ours.
    stream.write(data, (err) => (err && (err as NodeJS.ErrnoException).code !== "EPIPE" ? reject(err) : resolve()));
  });
}

/** Whether to colour diagnostics: Alloy (fatih/color) colours when stdout is a terminal. */
export function defaultColor(stdout: Writable): boolean {
  const env = process.env;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  return (stdout as Writable & { isTTY?: boolean }).isTTY === true;
}
