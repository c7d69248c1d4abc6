// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Builds the npm package into `npm/` from the same sources Deno uses
 * (`deno task build:npm`). @deno/dnt is JSR-only, so this does its job with
 * plain `tsc` (TypeScript 5.9, `rewriteRelativeImportExtensions`):
 *
 * 1. copies the library sources (everything but tests/ and scripts/) into a
 *    temp dir with a package.json whose `dependencies` are the `npm:` entries
 *    of the deno.json import map that the library actually imports;
 * 2. `npm install`s them with typescript and @types/node, and compiles ESM
 *    `.js` + `.d.ts` into `npm/` (relative `.ts` imports become `.js` in both);
 * 3. writes `npm/package.json` with one `exports` subpath per deno.json export
 *    (`types` + `import`), `engines.node >= 20`, `sideEffects: false`, and
 *    copies README.md and LICENSE.
 *
 * ESM only, no CommonJS build: Node 20.19+ and 22 `require()` ESM, and a dual
 * build would load two copies of module state such as the AsyncLocalStorage
 * instances of `contexts` (a request id set through one copy would be
 * invisible to the other).
 *
 * @module
 */

const TYPESCRIPT = "typescript@5.9.3";
const NODE_TYPES = "@types/node@20";

/** The parts of deno.json the build reads. */
export interface DenoConfig {
  /** The package name, e.g. `@backendai/common`. */
  name: string;
  /** The version. */
  version: string;
  /** The license identifier. */
  license: string;
  /** Subpath → source file. */
  exports: Record<string, string>;
  /** Bare name → `npm:name@range`. */
  imports: Record<string, string>;
}

/** What {@linkcode buildNpm} produced. */
export interface BuildResult {
  /** The output folder. */
  outDir: string;
  /** The `dependencies` written to the package.json. */
  dependencies: Record<string, string>;
  /** The subpaths exported. */
  subpaths: string[];
  /** Build time in milliseconds. */
  millis: number;
}

/** The tsc options shared by the npm build and the runtime test build. */
export const NODE_ESM_COMPILER_OPTIONS: Readonly<Record<string, unknown>> = {
  target: "ES2022",
  module: "NodeNext",
  moduleResolution: "NodeNext",
  rewriteRelativeImportExtensions: true,
  allowImportingTsExtensions: true,
  rootDir: ".",
  skipLibCheck: true,
  types: ["node"],
};

const EXCLUDED_DIRS: ReadonlySet<string> = new Set([
  "tests",
  "scripts",
  "node_modules",
  "npm",
  ".halfstack",
  ".git",
  ".ci",
  "coverage",
  "dist",
]);
const BARE_IMPORT_REGEXP =
  /(?:from\s+|import\s*\(\s*|import\s+)["']([^"'./][^"']*)["']/g;

/**
 * Lists the `.ts` files under `dir` (relative paths), skipping `excluded` folders.
 *
 * @param dir The folder to walk.
 * @param excluded Folder names to skip at any depth.
 * @returns Relative paths with `/` separators.
 */
export async function listTsFiles(
  dir: string,
  excluded: ReadonlySet<string> = EXCLUDED_DIRS,
): Promise<string[]> {
  const out: string[] = [];
  async function walk(rel: string): Promise<void> {
    for await (const entry of Deno.readDir(`${dir}/${rel}`)) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory && !excluded.has(entry.name)) await walk(path);
      else if (entry.isFile && entry.name.endsWith(".ts")) out.push(path);
    }
  }
  await walk("");
  return out.sort();
}

/**
 * Maps the bare imports of `files` to npm dependencies through the import map.
 *
 * @param root The folder the files are relative to.
 * @param files The files to scan.
 * @param imports The deno.json import map.
 * @returns npm name → version range.
 */
export async function npmDependencies(
  root: string,
  files: readonly string[],
  imports: Record<string, string>,
): Promise<Record<string, string>> {
  const deps: Record<string, string> = {};
  for (const file of files) {
    const text = (await Deno.readTextFile(`${root}/${file}`))
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/^\s*\/\/.*$/gm, "");
    for (const match of text.matchAll(BARE_IMPORT_REGEXP)) {
      const specifier = match[1] ?? "";
      if (specifier.startsWith("node:")) continue;
      const mapped = imports[specifier];
      const npm = mapped && /^npm:(@?[^@]+)@(.+)$/.exec(mapped);
      if (!npm) {
        throw new Error(
          `Cannot map import "${specifier}" in ${file}: add it to deno.json imports as npm:NAME@RANGE`,
        );
      }
      deps[npm[1] ?? specifier] = npm[2] ?? "*";
    }
  }
  return deps;
}

/**
 * Runs a command and throws with its output when it fails.
 *
 * @param cmd The program.
 * @param args Its arguments.
 * @param cwd The working folder.
 */
export async function run(
  cmd: string,
  args: string[],
  cwd: string,
): Promise<void> {
  const { code, stdout, stderr } = await new Deno.Command(cmd, {
    args,
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    const dec = new TextDecoder();
    throw new Error(
      `${cmd} ${args.join(" ")} failed (exit ${code}) in ${cwd}\n` +
        dec.decode(stdout) + dec.decode(stderr),
    );
  }
}

/**
 * Rewrites relative `.ts` specifiers to `.js` in a declaration file
 * (tsc rewrites them in `.js` output only).
 *
 * @param text The `.d.ts` text.
 * @returns The rewritten text.
 */
export function rewriteDeclarationImports(text: string): string {
  return text.replace(
    /((?:from\s+|import\s*\(\s*)["'])(\.{1,2}\/[^"']+)\.ts(["'])/g,
    "$1$2.js$3",
  );
}

/**
 * Writes a staging folder with sources, package.json and tsconfig, and
 * installs the npm packages it needs.
 *
 * @param repo The repository root.
 * @param config The parsed deno.json.
 * @param extraFiles More files to copy and compile (e.g. tests).
 * @param devDependencies Extra packages to install.
 * @returns The staging folder and the library dependencies.
 */
export async function prepareStaging(
  repo: string,
  config: DenoConfig,
  extraFiles: readonly string[] = [],
  devDependencies: Record<string, string> = {},
): Promise<{ staging: string; dependencies: Record<string, string> }> {
  const staging = await Deno.makeTempDir({ prefix: "backendai-npm-" });
  const libFiles = await listTsFiles(repo);
  const dependencies = await npmDependencies(repo, libFiles, config.imports);
  const extraDeps = await npmDependencies(repo, extraFiles, {
    ...config.imports,
  });
  for (const file of [...libFiles, ...extraFiles]) {
    const target = `${staging}/${file}`;
    await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), {
      recursive: true,
    });
    await Deno.copyFile(`${repo}/${file}`, target);
  }
  const [tsName, tsVersion] = [TYPESCRIPT.slice(0, 10), TYPESCRIPT.slice(11)];
  await Deno.writeTextFile(
    `${staging}/package.json`,
    JSON.stringify(
      {
        name: "backendai-common-build",
        private: true,
        type: "module",
        dependencies: { ...dependencies, ...extraDeps },
        devDependencies: {
          [tsName]: tsVersion,
          "@types/node": NODE_TYPES.slice(12),
          ...devDependencies,
        },
      },
      null,
      2,
    ),
  );
  await run("npm", [
    "install",
    "--no-audit",
    "--no-fund",
    "--ignore-scripts",
    "--loglevel=error",
  ], staging);
  return { staging, dependencies };
}

/**
 * Builds `npm/` from the repository at `repo`.
 *
 * @param repo The repository root.
 * @returns What was built.
 */
export async function buildNpm(repo: string): Promise<BuildResult> {
  const started = performance.now();
  const config = JSON.parse(
    await Deno.readTextFile(`${repo}/deno.json`),
  ) as DenoConfig;
  const outDir = `${repo}/npm`;
  await Deno.remove(outDir, { recursive: true }).catch(() => {});
  const { staging, dependencies } = await prepareStaging(repo, config);
  try {
    const entries = [...new Set(Object.values(config.exports))];
    await Deno.writeTextFile(
      `${staging}/tsconfig.json`,
      JSON.stringify({
        compilerOptions: {
          ...NODE_ESM_COMPILER_OPTIONS,
          declaration: true,
          outDir,
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          noImplicitOverride: true,
          lib: ["ES2022", "DOM"],
        },
        files: entries,
      }),
    );
    await run("node", [
      "node_modules/typescript/bin/tsc",
      "-p",
      "tsconfig.json",
    ], staging);
  } finally {
    await Deno.remove(staging, { recursive: true });
  }
  for (const file of await listTsFiles(outDir, new Set())) {
    if (!file.endsWith(".d.ts")) continue;
    const path = `${outDir}/${file}`;
    await Deno.writeTextFile(
      path,
      rewriteDeclarationImports(await Deno.readTextFile(path)),
    );
  }
  // `default` lets Node's require(esm) (20.19+, 22) and bundlers resolve too.
  const exportsMap: Record<
    string,
    { types: string; import: string; default: string }
  > = {};
  for (const [subpath, source] of Object.entries(config.exports)) {
    const base = source.replace(/\.ts$/, "");
    exportsMap[subpath] = {
      types: `${base}.d.ts`,
      import: `${base}.js`,
      default: `${base}.js`,
    };
  }
  await Deno.writeTextFile(
    `${outDir}/package.json`,
    JSON.stringify(
      {
        name: config.name,
        version: config.version,
        description:
          "The common layer of Backend.AI services: types, errors, contexts, message queue, events and more, wire-compatible with the Python backend.ai-common.",
        license: config.license,
        type: "module",
        exports: exportsMap,
        sideEffects: false,
        engines: { node: ">=20" },
        dependencies,
      },
      null,
      2,
    ) + "\n",
  );
  await Deno.copyFile(`${repo}/README.md`, `${outDir}/README.md`);
  await Deno.copyFile(`${repo}/LICENSE`, `${outDir}/LICENSE`);
  return {
    outDir,
    dependencies,
    subpaths: Object.keys(exportsMap),
    millis: Math.round(performance.now() - started),
  };
}

if (import.meta.main) {
  const repo = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const result = await buildNpm(repo);
  console.log(
    `Built ${result.outDir} in ${result.millis} ms: ${result.subpaths.length} subpaths, dependencies ${
      JSON.stringify(result.dependencies)
    }`,
  );
}
