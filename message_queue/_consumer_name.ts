// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Default consumer names: unique per process, stable across a restart of
 * the same worker, as upstream's `<node>:<installation>:<process index>`.
 *
 * A name is `<node>:<program>:<slot>`, plus `.<k>` for the k-th consumer
 * of one group a queue holds at once (k ≥ 1):
 *
 * - `<node>` is the queue's `nodeId`, else the host name;
 * - `<program>` is 12 hex digits of the SHA-256 of the entry point
 *   (`process.argv[1]`: the main module under Deno, the script under Node
 *   and Bun), so two programs on one node differ;
 * - `<slot>` is the queue's `workerIndex` when given (upstream's process
 *   index); otherwise the lowest slot no live process of the same node and
 *   program holds, claimed with a file in the temporary directory
 *   (`backendai-mq-<hash>-<slot>-<pid>`) and released on `close()`. A
 *   worker restarted alone finds its old slot free again (its file names a
 *   dead process), so it gets its old name and takes over its own pending
 *   entries; several restarted together share out the free slots lowest
 *   first, as upstream's process indexes are.
 *
 * The claim: list the slot files, pick the lowest slot without a live
 * holder, create our file, list again; if another live process holds the
 * slot, remove ours and go on to the next slot. Two processes can both
 * back off from one slot, never both keep it: the later creator's second
 * listing sees the earlier one's file. Files of dead processes are removed
 * by whoever lists them. When the files cannot be used (no permission), the
 * slot is `p<pid>`: unique, not stable, and said so once in the log.
 *
 * @module
 */

import { createHash } from "node:crypto";
import {
  closeSync,
  openSync,
  readdirSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import type { Logger } from "../utils.ts";
import { errorText } from "./_util.ts";

/** What {@linkcode ConsumerNames} reads from the process. */
interface NameEnvironment {
  /** This process's id. */
  readonly pid: number;
  /** The entry point (`process.argv[1]`). */
  readonly entryPoint: string;
  /** The host name. */
  hostname(): string;
  /** Where the slot files go. */
  readonly lockDir: string;
  /** Whether a process is alive. */
  isAlive(pid: number): boolean;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, owned by someone else.
    return (err as { code?: string }).code === "EPERM";
  }
}

/** The process's own environment, read when first needed. */
function processEnvironment(): NameEnvironment {
  return {
    pid: process.pid,
    entryPoint: process.argv[1] ?? "",
    hostname,
    get lockDir() {
      return tmpdir();
    },
    isAlive: alive,
  };
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

interface SlotFile {
  readonly slot: number;
  readonly pid: number;
  readonly path: string;
}

/**
 * The default consumer names of one queue: it claims a worker slot when it
 * first needs one and holds it until `close()`.
 */
export class ConsumerNames {
  readonly #nodeId: string | undefined;
  readonly #workerIndex: number | undefined;
  readonly #logger: Logger;
  readonly #env: NameEnvironment;
  #base: string | undefined;
  #slotFile: string | undefined;
  /** The suffixes in use, by group: 0 is the bare name. */
  readonly #inUse = new Map<string, Set<number>>();

  /**
   * Prepares the names; nothing is claimed until a name is asked for.
   *
   * @param options The node id, worker index and logger.
   */
  constructor(options: {
    nodeId: string | undefined;
    workerIndex: number | undefined;
    logger: Logger;
  }) {
    this.#nodeId = options.nodeId;
    this.#workerIndex = options.workerIndex;
    this.#logger = options.logger;
    this.#env = processEnvironment();
  }

  /**
   * A name for a consumer of `group`, until `release()`.
   *
   * @param group The consumer group.
   * @returns The name and its release.
   */
  acquire(group: string): { name: string; release(): void } {
    const base = this.#base ??= this.#makeBase();
    let used = this.#inUse.get(group);
    if (used === undefined) {
      used = new Set();
      this.#inUse.set(group, used);
    }
    let k = 0;
    while (used.has(k)) k++;
    used.add(k);
    const taken = used;
    let released = false;
    return {
      name: k === 0 ? base : `${base}.${k}`,
      release: () => {
        if (released) return;
        released = true;
        taken.delete(k);
        if (taken.size === 0) this.#inUse.delete(group);
      },
    };
  }

  /** Releases the worker slot. */
  close(): void {
    if (this.#slotFile === undefined) return;
    try {
      unlinkSync(this.#slotFile);
    } catch {
      // Already gone: nothing to release.
    }
    this.#slotFile = undefined;
  }

  #makeBase(): string {
    const env = this.#env;
    let node = this.#nodeId;
    if (node === undefined) {
      try {
        node = env.hostname();
      } catch {
        node = "node";
      }
    }
    const program = sha256(env.entryPoint).slice(0, 12);
    const slot = this.#workerIndex ?? this.#claimSlot(`${node}\0${program}`);
    return `${node}:${program}:${slot}`;
  }

  #claimSlot(key: string): string {
    const env = this.#env;
    const prefix = `backendai-mq-${sha256(key).slice(0, 16)}-`;
    try {
      for (let slot = 0;; slot++) {
        slot = this.#lowestFree(prefix, slot);
        const path = join(env.lockDir, `${prefix}${slot}-${env.pid}`);
        const fd = openSync(path, "w");
        writeSync(fd, `${env.pid}\n`);
        closeSync(fd);
        const rivals = this.#holders(prefix).filter((file) =>
          file.slot === slot && file.pid !== env.pid
        );
        if (rivals.length === 0) {
          this.#slotFile = path;
          return String(slot);
        }
        unlinkSync(path);
      }
    } catch (err) {
      const slot = `p${env.pid}`;
      this.#logger.warn(
        "message queue: no worker slot could be claimed; the default consumer name changes on restart (set workerIndex or a consumer name to pin it)",
        { slot, error: errorText(err) },
      );
      return slot;
    }
  }

  /** The lowest slot from `from` that no live process holds. */
  #lowestFree(prefix: string, from: number): number {
    const held = new Set(this.#holders(prefix).map((file) => file.slot));
    let slot = from;
    while (held.has(slot)) slot++;
    return slot;
  }

  /** The slot files of live processes; those of dead ones are removed. */
  #holders(prefix: string): SlotFile[] {
    const env = this.#env;
    const files: SlotFile[] = [];
    for (const name of readdirSync(env.lockDir)) {
      if (!name.startsWith(prefix)) continue;
      const match = /^(\d+)-(\d+)$/.exec(name.slice(prefix.length));
      if (match === null) continue;
      const file = {
        slot: Number(match[1]),
        pid: Number(match[2]),
        path: join(env.lockDir, name),
      };
      if (file.pid === env.pid || env.isAlive(file.pid)) {
        files.push(file);
      } else {
        try {
          unlinkSync(file.path);
        } catch {
          // Another process removed it first.
        }
      }
    }
    return files;
  }
}
