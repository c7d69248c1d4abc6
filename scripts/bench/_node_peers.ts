// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Runs a benchmark's Node-only peers: installs the given npm packages once in
 * `~/.cache/<folder>`, copies a script there and runs it under Node, and
 * returns the JSON object on its last line of output.
 *
 * @module
 */

/** Where and what to run. */
export interface NodePeerRun {
  /** The cache folder's name under `~/.cache`. */
  folder: string;
  /** Exact npm package specs, e.g. `cockatiel@4.0.0`. */
  packages: readonly string[];
  /** The script next to this file, copied into the folder and run there. */
  script: string;
  /** Its arguments. */
  args: readonly string[];
}

async function run(cwd: string, cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed: ${
        new TextDecoder().decode(out.stderr)
      }`,
    );
  }
  return new TextDecoder().decode(out.stdout);
}

/** Installs the packages if missing, runs the script, parses its last line. */
export async function runNodePeer<T>(peer: NodePeerRun): Promise<T> {
  const home = Deno.env.get("HOME") ?? "/tmp";
  const dir = `${home}/.cache/${peer.folder}`;
  await Deno.mkdir(dir, { recursive: true });
  const names = peer.packages.map((spec) => spec.replace(/@[^@/]+$/, ""));
  const installed = await Promise.all(
    names.map((name) =>
      Deno.stat(`${dir}/node_modules/${name}`).then(() => true, () => false)
    ),
  );
  if (installed.includes(false)) {
    await Deno.writeTextFile(
      `${dir}/package.json`,
      JSON.stringify({ name: peer.folder, private: true, type: "module" }),
    );
    await run(dir, "npm", [
      "install",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      ...peer.packages,
    ]);
  }
  await Deno.copyFile(
    new URL(`./${peer.script}`, import.meta.url),
    `${dir}/${peer.script}`,
  );
  const text = await run(dir, "node", [peer.script, ...peer.args]);
  return JSON.parse(text.trim().split("\n").at(-1) ?? "{}") as T;
}
