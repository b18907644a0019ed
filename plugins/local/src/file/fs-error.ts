// Formats a Node filesystem error the way Go's *PathError prints, so health messages
// read as in Alloy: "open /etc/x: no such file or directory".
const GO_ERRNO_TEXT: Record<string, string> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "is a directory",
  ENOTDIR: "not a directory",
  ELOOP: "too many levels of symbolic links",
  ENAMETOOLONG: "file name too long",
  EMFILE: "too many open files",
  EIO: "input/output error",
};

export function describeFsError(err: unknown, path: string): string {
  const e = err as NodeJS.ErrnoException;
  const text = e?.code ? GO_ERRNO_TEXT[e.code] : undefined;
  if (!text) return e instanceof Error ? e.message : String(err);
  // Node reports EISDIR from the read, everything else from the open.
  const op = e.code === "EISDIR" ? "read" : "open";
  return `${op} ${path}: ${text}`;
}
