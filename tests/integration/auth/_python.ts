// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The Python side of the auth interop tests: Debian's `/usr/bin/python3`
 * with its standard library (`hmac`, `hashlib`) and `python3-jwt` (PyJWT),
 * playing upstream's client, manager and JWT module. The signing code is
 * written here from upstream's algorithm (`common/auth/utils.py`,
 * `manager/api/rest/middleware/auth.py:sign_request`), not taken from this
 * library. Without python3-jwt the test fails with a message saying what to
 * install (scripts/install_servers.sh); it never skips.
 *
 * @module
 */

import { spawn } from "node:child_process";

/** Debian's interpreter, where python3-jwt lives. */
export const PYTHON = "/usr/bin/python3";

const SCRIPT = String.raw`
import datetime, hashlib, hmac, json, sys
try:
    import jwt
except ImportError as e:
    sys.stderr.write("python3-jwt is missing: %s\n" % e)
    sys.exit(3)


def client_sign(c):
    # upstream's generate_signature: the date as isoformat(), the key's day
    # from the same datetime, the host as the URL's authority.
    date = datetime.datetime.fromisoformat(c["date"])
    h = c["hash_type"]
    body_hash = hashlib.new(h, b"").hexdigest()
    text = "%s\n%s\n%s\nhost:%s\ncontent-type:%s\nx-backendai-version:%s\n%s" % (
        c["method"].upper(), c["rel_url"], date.isoformat(), c["host"],
        c["content_type"].lower(), c["version"], body_hash)
    key = hmac.new(c["secret_key"].encode(), date.strftime("%Y%m%d").encode(), h).digest()
    key = hmac.new(key, c["host"].encode(), h).digest()
    sig = hmac.new(key, text.encode(), h).hexdigest()
    return {
        "Authorization": "BackendAI signMethod=HMAC-%s, credential=%s:%s" % (h.upper(), c["access_key"], sig),
        "Date": date.isoformat(),
        "X-BackendAI-Version": c["version"],
        "Content-Type": c["content_type"],
    }


def server_check(c):
    # upstream manager's sign_request and the compare_digest after it, on
    # what reached the server: headers, method, raw path, host.
    headers = {k.lower(): v for k, v in c["headers"].items()}
    auth_type, auth_str = headers["authorization"].split(" ", 1)
    params = dict(p.strip().split("=", 1) for p in auth_str.split(","))
    access_key, signature = params["credential"].split(":", 1)
    mac_type, hash_type = [s.lower() for s in params["signMethod"].split("-")]
    assert mac_type == "hmac" and hash_type in hashlib.algorithms_guaranteed
    raw_date = headers.get("date") or headers.get("x-backendai-date") or headers.get("x-sorna-date")
    date = datetime.datetime.fromisoformat(raw_date)
    new_version = headers.get("x-backendai-version")
    version = new_version or headers.get("x-sorna-version")
    content_type = headers.get("content-type", "application/octet-stream").split(";")[0].strip().lower()
    body_hash = hashlib.new(hash_type, b"").hexdigest()
    text = "{0}\n{1}\n{2}\nhost:{3}\ncontent-type:{4}\nx-{name}-version:{5}\n{6}".format(
        c["method"], c["raw_path"], raw_date, c["host"], content_type, version, body_hash,
        name="backendai" if new_version is not None else "sorna")
    key = hmac.new(c["secret_key"].encode(), date.strftime("%Y%m%d").encode(), hash_type).digest()
    key = hmac.new(key, c["host"].encode(), hash_type).digest()
    mine = hmac.new(key, text.encode(), hash_type).hexdigest()
    return hmac.compare_digest(mine, signature)


def docs_vector(c):
    secret = b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    key = hmac.new(secret, b"20160930", hashlib.sha256).digest()
    key = hmac.new(key, b"your.sorna.api.endpoint", hashlib.sha256).digest()
    text = ("GET\n/v2\n20160930T01:23:45Z\nhost:your.sorna.api.endpoint\ncontent-type:application/json\n"
            "x-sorna-version:v2.20170215\n" + hashlib.sha256(b"").hexdigest())
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def jwt_encode(c):
    # upstream's JWTSigner: claims exactly exp, iat, access_key, role.
    claims = {"exp": c["iat"] + c["lifetime"], "iat": c["iat"], "access_key": c["access_key"], "role": c["role"]}
    return jwt.encode(claims, c["secret_key"], algorithm="HS256")


def jwt_decode(c):
    # upstream's JWTValidator: HS256 only, signature, exp and iat verified.
    try:
        payload = jwt.decode(c["token"], c["secret_key"], algorithms=["HS256"],
                             options={"verify_signature": True, "verify_exp": True, "verify_iat": True})
        return {"ok": payload}
    except Exception as e:
        return {"error": type(e).__name__}


ops = {"client_sign": client_sign, "server_check": server_check, "docs_vector": docs_vector,
       "jwt_encode": jwt_encode, "jwt_decode": jwt_decode}
cases = json.loads(sys.stdin.read())
print(json.dumps([ops[c["op"]](c) for c in cases]))
`;

/**
 * Runs a batch of operations through the Python side.
 *
 * @param cases Each `{ op, ...arguments }`.
 * @returns One result per case.
 */
export function python(
  cases: readonly Record<string, unknown>[],
): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ["-c", SCRIPT], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => void (stdout += chunk));
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => void (stderr += chunk));
    child.on("error", (err: Error & { code?: string }) =>
      reject(
        err.code === "ENOENT"
          ? new Error(
            `${PYTHON} does not exist: run scripts/install_servers.sh`,
          )
          : err,
      ));
    child.on("close", (code: number | null) => {
      if (code === 0) resolve(JSON.parse(stdout));
      else if (code === 3) {
        reject(new Error(`${stderr.trim()}: run scripts/install_servers.sh`));
      } else reject(new Error(`${PYTHON} exited ${code}: ${stderr}`));
    });
    child.stdin.end(JSON.stringify(cases));
  });
}
