import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { authorizationHeader, tlsOptions, validateHttpClientAuth } from "../src/http-client.js";

const dir = mkdtempSync(join(tmpdir(), "ingot-http-client-"));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

test("authorizationHeader: each kind of auth, files read and trimmed", () => {
  assert.equal(authorizationHeader(undefined), undefined);
  assert.equal(authorizationHeader({}), undefined);
  assert.equal(authorizationHeader({ bearer_token: "t" }), "Bearer t");
  assert.equal(authorizationHeader({ bearer_token_file: file("tok", "ft\n") }), "Bearer ft");
  assert.equal(
    authorizationHeader({ basic_auth: { username: "u", password: "p" } }),
    `Basic ${Buffer.from("u:p").toString("base64")}`,
  );
  assert.equal(
    authorizationHeader({ basic_auth: { username: "u", password_file: file("pw", "fp\n") } }),
    `Basic ${Buffer.from("u:fp").toString("base64")}`,
  );
  assert.equal(authorizationHeader({ authorization: { credentials: "c" } }), "Bearer c");
  assert.equal(
    authorizationHeader({ authorization: { type: "Token", credentials_file: file("cred", "fc\n") } }),
    "Token fc",
  );
});

test("validateHttpClientAuth: at most one kind (empty tokens do not count, as in Alloy)", () => {
  const msg = /^Error: at most one of basic_auth, authorization, bearer_token & bearer_token_file must be configured$/;
  assert.throws(() => validateHttpClientAuth({ bearer_token: "a", basic_auth: { username: "u" } }), msg);
  assert.throws(() => authorizationHeader({ bearer_token: "a", bearer_token_file: "/f" }), msg);
  validateHttpClientAuth({ bearer_token: "", authorization: { credentials: "c" } });
});

test("tlsOptions: pem or file, server name, min_version mapped to Node's names", () => {
  assert.deepEqual(tlsOptions(undefined), {});
  assert.deepEqual(tlsOptions({}), { rejectUnauthorized: true });
  const o = tlsOptions({
    ca_pem: "CA",
    cert_file: file("cert.pem", "CERT"),
    server_name: "example",
    insecure_skip_verify: true,
    min_version: "TLS12",
  });
  assert.equal(o.ca, "CA");
  assert.equal(String(o.cert), "CERT");
  assert.equal(o.key, undefined);
  assert.equal(o.servername, "example");
  assert.equal(o.rejectUnauthorized, false);
  assert.equal(o.minVersion, "TLSv1.2");
  assert.equal(tlsOptions({ min_version: "TLS10" }).minVersion, "TLSv1");
});
