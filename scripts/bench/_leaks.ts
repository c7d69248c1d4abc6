// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Counts what a process leaves behind, for scripts/bench/memory.ts: timers
 * pending and event listeners attached to objects still alive. Installed
 * before the code under test runs, it wraps the global timer functions,
 * `EventTarget.prototype.addEventListener`/`removeEventListener` and the
 * `node:events` `EventEmitter` methods that add listeners; `restore()` puts
 * them back.
 *
 * - Timers: every `setTimeout`/`setInterval` made through the globals and
 *   neither fired (a timeout) nor cleared.
 * - Listeners: on every `EventTarget` and `EventEmitter` that got one
 *   through the wrapped methods and is still reachable, the listeners it
 *   holds now (EventTargets: tracked through add, remove, `once` and the
 *   `signal` option; EventEmitters: their own `listenerCount`). Targets only
 *   garbage holds are dropped when the garbage collector has run, so call
 *   `gc()` first (`--v8-flags=--expose-gc`) or the count includes them.
 *
 * @module
 */

import { EventEmitter } from "node:events";

/** What the tracker counts now. */
export interface LeakCounts {
  /** Timers made and neither fired nor cleared. */
  timers: number;
  /** Listeners on live `EventTarget`s (signals, sockets, the global). */
  eventTargetListeners: number;
  /** Listeners on live `node:events` emitters (ioredis connections, ...). */
  emitterListeners: number;
}

/** A running tracker. */
export interface LeakTracker {
  /** Counts pending timers and attached listeners now. */
  counts(): LeakCounts;
  /** Puts the original functions back. */
  restore(): void;
}

type Listener = EventListenerOrEventListenerObject;
interface Held {
  /** Removes this listener's helpers (once, signal) from their targets. */
  dispose(): void;
}

/** Installs the wrappers; see the module doc. */
export function trackLeaks(): LeakTracker {
  const g = globalThis as unknown as {
    setTimeout: (...args: unknown[]) => unknown;
    setInterval: (...args: unknown[]) => unknown;
    clearTimeout: (id?: unknown) => void;
    clearInterval: (id?: unknown) => void;
  };
  const original = {
    setTimeout: g.setTimeout,
    setInterval: g.setInterval,
    clearTimeout: g.clearTimeout,
    clearInterval: g.clearInterval,
    add: EventTarget.prototype.addEventListener,
    remove: EventTarget.prototype.removeEventListener,
  };

  // Timers.
  const timers = new Set<unknown>();
  g.setTimeout = (callback: unknown, ...rest: unknown[]) => {
    const handle: { id?: unknown } = {};
    const wrapped = typeof callback === "function"
      ? function (this: unknown, ...args: unknown[]) {
        timers.delete(handle.id);
        return (callback as (...a: unknown[]) => unknown).apply(this, args);
      }
      : callback;
    handle.id = original.setTimeout.call(globalThis, wrapped, ...rest);
    timers.add(handle.id);
    return handle.id;
  };
  g.setInterval = (...args: unknown[]) => {
    const id = original.setInterval.apply(globalThis, args);
    timers.add(id);
    return id;
  };
  g.clearTimeout = (id?: unknown) => {
    timers.delete(id);
    original.clearTimeout.call(globalThis, id);
  };
  g.clearInterval = (id?: unknown) => {
    timers.delete(id);
    original.clearInterval.call(globalThis, id);
  };

  // EventTarget listeners: per target, per type and phase, listener → record.
  const byTarget = new WeakMap<EventTarget, Map<string, Map<Listener, Held>>>();
  const targets = new Set<WeakRef<EventTarget>>();
  const slotOf = (type: string, options?: boolean | EventListenerOptions) =>
    `${type}\u0000${
      typeof options === "boolean" ? options : options?.capture === true
    }`;
  EventTarget.prototype.addEventListener = function (
    this: EventTarget,
    type: string,
    listener: Listener | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    original.add.call(this, type, listener, options);
    if (listener === null || listener === undefined) return;
    const opts = typeof options === "object" ? options : {};
    if (opts.signal?.aborted) return;
    let slots = byTarget.get(this);
    if (slots === undefined) {
      slots = new Map();
      byTarget.set(this, slots);
      targets.add(new WeakRef(this));
    }
    const slot = slotOf(type, options);
    let listeners = slots.get(slot);
    if (listeners === undefined) {
      listeners = new Map();
      slots.set(slot, listeners);
    }
    if (listeners.has(listener)) return; // a duplicate add is a no-op
    const map = listeners;
    const helpers: [EventTarget, string, () => void][] = [];
    const forget = () => {
      map.delete(listener);
      record.dispose();
    };
    const record: Held = {
      dispose() {
        for (const [target, event, helper] of helpers.splice(0)) {
          original.remove.call(target, event, helper);
        }
      },
    };
    if (opts.once === true) {
      const capture = opts.capture === true;
      original.add.call(this, type, forget, { once: true, capture });
      helpers.push([this, type, forget]);
    }
    if (opts.signal !== undefined) {
      original.add.call(opts.signal, "abort", forget, { once: true });
      helpers.push([opts.signal, "abort", forget]);
    }
    listeners.set(listener, record);
  };
  EventTarget.prototype.removeEventListener = function (
    this: EventTarget,
    type: string,
    listener: Listener | null,
    options?: boolean | EventListenerOptions,
  ): void {
    original.remove.call(this, type, listener, options);
    if (listener === null || listener === undefined) return;
    const listeners = byTarget.get(this)?.get(slotOf(type, options));
    const record = listeners?.get(listener);
    if (record === undefined) return;
    listeners?.delete(listener);
    record.dispose();
  };

  // EventEmitters: remember each one that got a listener; count with its own
  // bookkeeping.
  const emitters = new Set<WeakRef<EventEmitter>>();
  const seen = new WeakSet<EventEmitter>();
  const methods = [
    "on",
    "addListener",
    "once",
    "prependListener",
    "prependOnceListener",
  ] as const;
  const proto = EventEmitter.prototype as unknown as Record<
    typeof methods[number],
    (...args: unknown[]) => unknown
  >;
  const originalMethods = methods.map((name) => [name, proto[name]] as const);
  for (const [name, method] of originalMethods) {
    proto[name] = function (this: EventEmitter, ...args: unknown[]) {
      if (!seen.has(this)) {
        seen.add(this);
        emitters.add(new WeakRef(this));
      }
      return method.apply(this, args);
    };
  }

  return {
    counts(): LeakCounts {
      let eventTargetListeners = 0;
      for (const ref of targets) {
        const target = ref.deref();
        if (target === undefined) {
          targets.delete(ref);
          continue;
        }
        for (const listeners of byTarget.get(target)?.values() ?? []) {
          eventTargetListeners += listeners.size;
        }
      }
      let emitterListeners = 0;
      for (const ref of emitters) {
        const emitter = ref.deref();
        if (emitter === undefined) {
          emitters.delete(ref);
          continue;
        }
        for (const name of emitter.eventNames()) {
          emitterListeners += emitter.listenerCount(name);
        }
      }
      return { timers: timers.size, eventTargetListeners, emitterListeners };
    },
    restore(): void {
      g.setTimeout = original.setTimeout;
      g.setInterval = original.setInterval;
      g.clearTimeout = original.clearTimeout;
      g.clearInterval = original.clearInterval;
      EventTarget.prototype.addEventListener = original.add;
      EventTarget.prototype.removeEventListener = original.remove;
      for (const [name, method] of originalMethods) proto[name] = method;
    },
  };
}
