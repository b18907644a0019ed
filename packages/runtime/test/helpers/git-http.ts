// Git over smart HTTP for tests: Debian's real `git http-backend` (CGI) behind a small
// Node server on 127.0.0.1, serving the repositories under `root` (bare or not), with
// optional basic auth. Plus `git` CLI helpers to make repositories and commits.
import { spawn, spawnSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export const GIT_HTTP_BACKEND = "/usr/lib/git-core/git-http-backend";

/** Environment making the `git` CLI work on temp repositories owned by anyone. */
export const GIT_ENV: Record<string, string> = {
  GIT_CONFIG_COUNT: "1",
  GIT_CONFIG_KEY_0: "safe.directory",
  GIT_CONFIG_VALUE_0: "*",
  GIT_AUTHOR_NAME: "Ingot Test",
  GIT_AUTHOR_EMAIL: "test@ingot.invalid",
  GIT_COMMITTER_NAME: "Ingot Test",
  GIT_COMMITTER_EMAIL: "test@ingot.invalid",
};

/** Runs `git args...` in cwd; returns trimmed stdout, throws with stderr on failure. */
export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync("git", args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout.trim();
}

export interface GitServer {
  url: string;
  /** Requests served (for asserting that a pull happened or did not). */
  requests: number;
  close(): Promise<void>;
}

export async function startGitServer(root: string, auth?: { username: string; password: string }): Promise<GitServer> {
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    state.requests++;
    if (auth) {
      const want = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}`;
      if (req.headers.authorization !== want) {
        res.writeHead(401, { "www-authenticate": 'Basic realm="git"' });
        res.end();
        return;
      }
    }
    const u = new URL(req.url ?? "/", "http://x");
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      ...GIT_ENV,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: "1",
      PATH_INFO: decodeURIComponent(u.pathname),
      QUERY_STRING: u.search.slice(1),
      REQUEST_METHOD: req.method ?? "GET",
      CONTENT_TYPE: req.headers["content-type"] ?? "",
      REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
      REMOTE_USER: auth?.username ?? "",
      GATEWAY_INTERFACE: "CGI/1.1",
    };
    if (req.headers["content-length"]) env.CONTENT_LENGTH = req.headers["content-length"];
    if (req.headers["content-encoding"]) env.HTTP_CONTENT_ENCODING = req.headers["content-encoding"];
    if (req.headers["git-protocol"]) env.HTTP_GIT_PROTOCOL = String(req.headers["git-protocol"]);
    const cgi = spawn(GIT_HTTP_BACKEND, [], { env, stdio: ["pipe", "pipe", "pipe"] });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on("data", (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      let end = head.indexOf("\r\n\r\n");
      let sepLen = 4;
      if (end < 0) {
        end = head.indexOf("\n\n");
        sepLen = 2;
      }
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString("latin1").split(/\r?\n/)) {
        const i = line.indexOf(":");
        if (i < 0) continue;
        const k = line.slice(0, i).trim();
        const v = line.slice(i + 1).trim();
        if (k.toLowerCase() === "status") status = Number.parseInt(v, 10);
        else headers[k] = v;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end + sepLen));
    });
    cgi.stdout.on("end", () => {
      if (!headersDone) res.writeHead(502);
      res.end();
    });
    cgi.on("error", () => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
    cgi.stderr.resume();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
