// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Runs the test files under Node and Bun (`deno task test:runtimes`), and a
 * consumer smoke test of the built npm package:
 *
 * 1. `buildNpm()` writes `npm/` (see scripts/build_npm.ts).
 * 2. The library and `tests/` are compiled together by the same tsc settings
 *    (type-checking is Deno's job, so `noCheck`), and a small runner puts
 *    `@deno/shim-deno` on `globalThis.Deno` and hands every `Deno.test` to
 *    `node:test`. The same runner runs under Node 20 and under Bun.
 * 3. A throwaway consumer project `npm install`s `npm/`, imports every
 *    subpath, type-checks with `skipLibCheck: false`, and runs under Node and Bun.
 *
 * Doc examples run only under Deno. Integration tests run too, against the
 * halfstack (`deno task halfstack up`), and the fault tests against the
 * fault halfstack (scripts/_fault_halfstack.ts), each started when it is
 * not up and stopped after only then; `TEST_RUNTIMES_INTEGRATION=0` leaves
 * both out. Tests reach servers through `node:net`/ioredis/fetch, never
 * `Deno.connect`: the shim's `Deno.connect` reads sockets with `fs.read`
 * (EAGAIN) and left Node hanging. A runtime that runs longer than
 * `TEST_RUNTIMES_TIMEOUT_MS` (default 600000) is killed and counted failed.
 * `TEST_RUNTIMES_KEEP=1` keeps the compiled staging folder for debugging.
 * The last line is `N passed, N failed`, summed over the runtimes.
 *
 * @module
 */

import {
  buildNpm,
  type DenoConfig,
  listTsFiles,
  NODE_ESM_COMPILER_OPTIONS,
  prepareStaging,
  run,
} from "./build_npm.ts";
import {
  faultHalfstack,
  faultHalfstackDir,
  faultHalfstackIsUp,
} from "./_fault_halfstack.ts";
import {
  HALFSTACK_CLUSTER_ENV,
  halfstackDown,
  halfstackUp,
  readHalfstackEnv,
} from "./halfstack.ts";

const RUNNER = `
import { Deno as shim } from "@deno/shim-deno";
import { testDefinitions } from "@deno/shim-deno/test-internals";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
globalThis.Deno = shim;
const files = JSON.parse(process.env.TEST_FILES);
for (const file of files) await import(pathToFileURL(file).href);
function context(t, name) {
  return {
    name,
    origin: "",
    step: async (stepName, fn) => {
      if (typeof stepName === "object") { fn = stepName.fn; stepName = stepName.name; }
      if (typeof stepName === "function") { fn = stepName; stepName = fn.name; }
      let ok = true;
      await t.test(stepName, async (tt) => {
        try { await fn(context(tt, stepName)); } catch (err) { ok = false; throw err; }
      });
      return ok;
    },
  };
}
if (testDefinitions.some((def) => def.only)) {
  throw new Error("A test uses only: remove it (Deno fails such a run too)");
}
for (const def of testDefinitions) {
  test(def.name, { skip: def.ignore === true }, (t) => def.fn(context(t, def.name)));
}
`;

/**
 * Test files (path prefixes) not run under Bun, each with its reason:
 *
 * - `tests/integration/clients/agent/`: npm `zeromq` 6 calls
 *   `uv_poll_init_socket`, which Bun 1.4 does not implement; Bun panics
 *   (the process aborts, nothing to catch) at the first socket. The agent
 *   RPC's unit tests (frames, bodies) run there; its sockets do not.
 */
const BUN_EXCLUDED: readonly string[] = [
  "tests/integration/clients/agent/",
];

interface RuntimeCounts {
  passed: number;
  failed: number;
  skipped: number;
}

function countsOf(output: string): RuntimeCounts {
  // node --test prints "# pass N"; bun test prints " N pass".
  const get = (node: string, bun: string): number => {
    const nodeMatch = new RegExp(`^# ${node} (\\d+)$`, "m").exec(output);
    const bunMatch = new RegExp(`^\\s*(\\d+) ${bun}$`, "m").exec(output);
    return Number(nodeMatch?.[1] ?? bunMatch?.[1] ?? NaN);
  };
  return {
    passed: get("pass", "pass"),
    failed: get("fail", "fail"),
    skipped: get("skipped", "skip") || 0,
  };
}

async function runTests(
  runtime: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<RuntimeCounts> {
  const child = new Deno.Command(runtime, {
    args,
    cwd,
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const limit = Number(Deno.env.get("TEST_RUNTIMES_TIMEOUT_MS") ?? 600_000);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, limit);
  const result = await child.output().finally(() => clearTimeout(timer));
  if (timedOut) {
    console.log(`  ${runtime}: killed after ${limit} ms without finishing`);
    return { passed: 0, failed: 1, skipped: 0 };
  }
  const dec = new TextDecoder();
  // bun test reports on stderr.
  const output = dec.decode(result.stdout) + "\n" + dec.decode(result.stderr);
  const failures = output.split("\n").filter((line) =>
    /^\s*not ok |^\(fail\) /.test(line)
  );
  for (const line of failures) console.log(`  ${runtime}: ${line.trim()}`);
  if (Deno.env.get("TEST_RUNTIMES_VERBOSE")) console.log(output);
  const counts = countsOf(output);
  if (Number.isNaN(counts.passed) || Number.isNaN(counts.failed)) {
    console.log(output.slice(-3000));
    return { passed: 0, failed: 1, skipped: 0 };
  }
  return counts;
}

async function consumerSmoke(
  repo: string,
  config: DenoConfig,
  bun: string,
): Promise<RuntimeCounts> {
  const dir = await Deno.makeTempDir({ prefix: "backendai-consumer-" });
  try {
    const subpaths = Object.keys(config.exports).map((key) =>
      key === "." ? config.name : `${config.name}/${key.slice(2)}`
    );
    const imports = subpaths.map((spec, i) =>
      `import * as m${i} from "${spec}";`
    );
    const uses = subpaths.map((spec, i) =>
      `if (Object.keys(m${i}).length === 0) throw new Error("${spec} exports nothing");`
    );
    await Deno.writeTextFile(
      `${dir}/smoke.ts`,
      [
        ...imports,
        'import { BinarySize } from "@backendai/common/types";',
        'import { withRequestId, currentRequestId } from "@backendai/common/contexts";',
        ...uses,
        'const size: BinarySize = BinarySize.parseFinite("1.5g");',
        'if (size.toString() !== "1.5 GiB") throw new Error(size.toString());',
        'const seen = withRequestId("req-1", () => currentRequestId());',
        'if (seen !== "req-1") throw new Error(String(seen));',
        `console.log("consumer ok: ${subpaths.length} subpaths");`,
      ].join("\n") + "\n",
    );
    await Deno.writeTextFile(
      `${dir}/package.json`,
      JSON.stringify({ name: "consumer", private: true, type: "module" }),
    );
    await Deno.writeTextFile(
      `${dir}/tsconfig.json`,
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          skipLibCheck: false,
          types: ["node"],
          outDir: "out",
        },
        files: ["smoke.ts"],
      }),
    );
    const packed = await new Deno.Command("npm", {
      args: ["pack", "--json", "--pack-destination", dir],
      cwd: `${repo}/npm`,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const [info] = JSON.parse(new TextDecoder().decode(packed.stdout)) as Array<
      {
        filename: string;
        size: number;
        unpackedSize: number;
        entryCount: number;
      }
    >;
    if (!info) throw new Error("npm pack produced nothing");
    console.log(
      `npm package: ${info.filename}, ${info.size} bytes packed, ${info.unpackedSize} unpacked, ${info.entryCount} files`,
    );
    await run("npm", [
      "install",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      `./${info.filename}`,
      "typescript@5.9.3",
      "@types/node@20",
    ], dir);
    let passed = 0;
    let failed = 0;
    const step = async (label: string, cmd: string, args: string[]) => {
      try {
        await run(cmd, args, dir);
        console.log(`  consumer: ${label} ok`);
        passed++;
      } catch (err) {
        console.log(`  consumer: ${label} FAILED\n${(err as Error).message}`);
        failed++;
      }
    };
    const npmExports = (JSON.parse(
      await Deno.readTextFile(`${repo}/npm/package.json`),
    ) as { exports: Record<string, { types: string; import: string }> })
      .exports;
    await step("deno.json and npm exports agree", "node", [
      "-e",
      `const a=${JSON.stringify(Object.keys(config.exports).sort())};` +
      `const b=${JSON.stringify(Object.keys(npmExports).sort())};` +
      `if (JSON.stringify(a)!==JSON.stringify(b)) { console.error(a,b); process.exit(1); }` +
      `const fs=require("fs");for (const e of Object.values(${
        JSON.stringify(npmExports)
      }))` +
      `for (const f of [e.types,e.import]) if(!fs.existsSync(${
        JSON.stringify(`${repo}/npm/`)
      }+f)) { console.error("missing",f); process.exit(1); }`,
    ]);
    await step("tsc --noEmit skipLibCheck:false", "node", [
      "node_modules/typescript/bin/tsc",
      "-p",
      ".",
    ]);
    await step("node runs the compiled smoke test", "node", ["out/smoke.js"]);
    await step("bun runs the smoke test", bun, ["smoke.ts"]);
    await step("node require()s every subpath (require(esm))", "node", [
      "-e",
      `for (const s of ${JSON.stringify(subpaths)}) ` +
      `if (Object.keys(require(s)).length === 0) throw new Error(s);`,
    ]);
    return { passed, failed, skipped: 0 };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const repo = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const config = JSON.parse(
    await Deno.readTextFile(`${repo}/deno.json`),
  ) as DenoConfig;
  const bun = `${repo}/node_modules/.bin/bun`;
  const build = await buildNpm(repo);
  console.log(
    `npm build: ${build.millis} ms, ${build.subpaths.length} subpaths`,
  );

  const integration = Deno.env.get("TEST_RUNTIMES_INTEGRATION") !== "0";
  // Like `deno task test`: start the halfstack when it is not up, stop it after.
  let startedHalfstack = false;
  const up = integration ? readHalfstackEnv() : {};
  if (integration && up?.[HALFSTACK_CLUSTER_ENV] === undefined) {
    // Missing, or up since before the cluster tests: start what is missing.
    console.log(
      "test_runtimes: the halfstack (or its cluster) is not up; starting it",
    );
    startedHalfstack = up === undefined;
    await halfstackUp({ log: console.log, cluster: true }).catch((error) =>
      console.log(`test_runtimes: ${(error as Error).message}`)
    );
  }
  let startedFaultHalfstack = false;
  if (integration && !faultHalfstackIsUp()) {
    console.log("test_runtimes: the fault halfstack is not up; starting it");
    // Stopped after only when this run started it (not when it added the cluster).
    startedFaultHalfstack = readHalfstackEnv(faultHalfstackDir()) === undefined;
    await faultHalfstack("up", console.log).catch((error) =>
      console.log(`test_runtimes: ${(error as Error).message}`)
    );
  }
  const halfstack = integration ? readHalfstackEnv() ?? {} : {};
  // tests/fuzz/ runs under Deno only: its 10 000 seeded cases drive
  // runtime-independent parsing and checking (a second and third run would
  // add minutes, not coverage), and its security checks read the library's
  // .ts sources, which the compiled staging folder does not have. What a
  // fuzz case found that depends on the runtime has a unit regression test,
  // which runs here (tests/unit/message_queue/proto_field_test.ts).
  const testFiles = (await listTsFiles(`${repo}/tests`, new Set()))
    .map((file) => `tests/${file}`)
    .filter((file) => !file.startsWith("tests/fuzz/"))
    .filter((file) =>
      integration ||
      !(file.startsWith("tests/integration/") ||
        file.startsWith("tests/faults/"))
    );
  const extra = [
    ...testFiles,
    "scripts/halfstack.ts",
    "scripts/_fault_halfstack.ts",
  ];
  const { staging } = await prepareStaging(repo, config, extra, {
    "@deno/shim-deno": "0.19.2",
  });
  const totals: RuntimeCounts = { passed: 0, failed: 0, skipped: 0 };
  try {
    await Deno.writeTextFile(
      `${staging}/tsconfig.json`,
      JSON.stringify({
        compilerOptions: {
          ...NODE_ESM_COMPILER_OPTIONS,
          noCheck: true,
          outDir: "out",
        },
        include: ["**/*.ts"],
        exclude: ["node_modules", "out"],
      }),
    );
    await run("node", [
      "node_modules/typescript/bin/tsc",
      "-p",
      "tsconfig.json",
    ], staging);
    await Deno.writeTextFile(`${staging}/runner.mjs`, RUNNER);
    // Bun's node:test works only inside `bun test`, which wants a *.test.* file.
    await Deno.writeTextFile(`${staging}/runner.test.mjs`, RUNNER);
    const testFilesFor = (runtime: "node" | "bun") =>
      JSON.stringify(
        testFiles.filter((file) =>
          file.endsWith("_test.ts") &&
          !(runtime === "bun" && BUN_EXCLUDED.some((p) => file.startsWith(p)))
        ).map((file) => `${staging}/out/${file.replace(/\.ts$/, ".js")}`),
      );
    const env = {
      ...halfstack,
      BACKEND_HALFSTACK_DIR: Deno.env.get("BACKEND_HALFSTACK_DIR") ??
        `${repo}/.halfstack`,
      BACKEND_FAULT_HALFSTACK_DIR: faultHalfstackDir(),
      // The fault tests run `halfstack restart` from the repository.
      BACKEND_REPO_ROOT: repo,
    };
    // bun test fails a test after 5 s by default; the fault tests take
    // longer (a failover, and up to 45 s for the servers to be ready).
    for (
      const [runtime, args] of [["node", ["runner.mjs"]], [bun, [
        "test",
        "--timeout",
        "120000",
        "./runner.test.mjs",
      ]]] as const
    ) {
      const label = runtime === bun ? "bun" : "node";
      const counts = await runTests(runtime, [...args], staging, {
        ...env,
        TEST_FILES: testFilesFor(label),
      });
      console.log(
        `${label}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
      );
      totals.passed += counts.passed;
      totals.failed += counts.failed;
      totals.skipped += counts.skipped;
    }
  } finally {
    if (Deno.env.get("TEST_RUNTIMES_KEEP") === "1") {
      console.log(`test_runtimes: staging kept in ${staging}`);
    } else {
      await Deno.remove(staging, { recursive: true });
    }
    if (startedHalfstack) await halfstackDown({ log: console.log });
    if (startedFaultHalfstack) {
      await faultHalfstack("down", console.log).catch((error) =>
        console.log(`test_runtimes: ${(error as Error).message}`)
      );
    }
  }
  const smoke = await consumerSmoke(repo, config, bun);
  console.log(`consumer smoke: ${smoke.passed} passed, ${smoke.failed} failed`);
  totals.passed += smoke.passed;
  totals.failed += smoke.failed;
  console.log(
    `${totals.passed} passed, ${totals.failed} failed` +
      (totals.skipped ? `, ${totals.skipped} skipped` : ""),
  );
  if (totals.failed > 0 || totals.passed === 0) Deno.exit(1);
}
