// Formats a Node filesystem error the way Go's *PathError prints, so health messages
// read as in Alloy: "open /etc/x: no such file or directory".
import { goErrnoText } from "@ingot/sdk";

export function describeFsError(err: unknown, path: string): string {
  const e = err as NodeJS.ErrnoException;
  const text = goErrnoText(err);
  if (!text) return e instanceof Error ? e.message : String(err);
  // Node reports EISDIR from the read, everything else from the open.
  const op = e.code === "EISDIR" ? "read" : "open";
  return `${op} ${path}: ${text}`;
}
