// Go's text for the errno codes Node reports (syscall.Errno.Error()), so messages about
// failed file operations read as in Alloy: "open /etc/x: no such file or directory".
const GO_ERRNO_TEXT: Record<string, string> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "is a directory",
  ENOTDIR: "not a directory",
  ELOOP: "too many levels of symbolic links",
  ENAMETOOLONG: "file name too long",
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
  EMFILE: "too many open files",
  EIO: "input/output error",
};

/** Go's text for a Node filesystem error's code, or undefined for other errors and codes. */
export function goErrnoText(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code ? GO_ERRNO_TEXT[code] : undefined;
}
