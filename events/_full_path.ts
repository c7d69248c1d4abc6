// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The dispatcher's full handler path, taken by every broadcast message and
 * by the anycast messages the fast path declines: decode once per
 * definition, then per handler the start reporters, the debounce, the call
 * (timed for the observer and complete reporters), and the outcome, by
 * which an anycast message is then acked, failed or dead-lettered.
 *
 * @module
 */

import { MessageQueueClosedError } from "../message_queue/errors.ts";
import type { DecodedMessage } from "../message_queue/payload.ts";
import type { ConsumedMessage, Consumer } from "../message_queue/types.ts";
import type { Logger } from "../utils.ts";
import { callHandler, type Registration } from "./_registration.ts";
import type { EventDefinition } from "./define.ts";
import type { EventDispatcherOptions, HandlerRun } from "./handler.ts";
import { errorText } from "../_error_text.ts";

/** The first errors of one message's handlers. */
export interface RunOutcome {
  /** The first decoding error, if a body did not decode. */
  decode: unknown;
  /** The first handler error, if a handler failed. */
  handler: unknown;
}

/**
 * Reports a handler's failure to `onError`, or logs it when there is none.
 *
 * @param error What the handler threw.
 * @param run The run that failed.
 * @param onError The dispatcher's hook for this pattern, if given.
 * @param logger Where it goes without a hook.
 */
export function reportHandlerError(
  error: unknown,
  run: HandlerRun,
  onError: ((error: unknown, run: HandlerRun) => void) | undefined,
  logger: Logger,
): void {
  if (onError !== undefined) onError(error, run);
  else {
    logger.error("events: a handler failed", {
      event: run.event,
      handler: run.handler,
      error: errorText(error),
    });
  }
}

/**
 * Runs every registration for one message; reports the first decoding
 * error and the first handler error.
 *
 * @param registrations The message's handlers.
 * @param message The message.
 * @param onError The dispatcher's hook for handler failures, if given.
 * @param options The dispatcher's options (for the observer).
 * @param logger Where decoding and reporter failures are logged.
 * @returns The first errors, if any.
 */
export async function runAll(
  registrations: Registration[],
  message: DecodedMessage,
  onError: ((error: unknown, run: HandlerRun) => void) | undefined,
  options: EventDispatcherOptions,
  logger: Logger,
): Promise<RunOutcome> {
  const outcome: RunOutcome = {
    decode: undefined,
    handler: undefined,
  };
  const decoded = new Map<EventDefinition<unknown>, unknown>();
  const runOne = async (registration: Registration): Promise<void> => {
    const started = performance.now();
    let body: unknown;
    try {
      if (!decoded.has(registration.definition)) {
        decoded.set(
          registration.definition,
          registration.definition.decode(message),
        );
      }
      body = decoded.get(registration.definition);
    } catch (err) {
      outcome.decode ??= err;
      options.observer?.onFailure(
        message.name,
        performance.now() - started,
        err,
      );
      logger.error("events: cannot decode an event", {
        event: message.name,
        handler: registration.name,
        error: errorText(err),
      });
      return;
    }
    const run: HandlerRun = {
      event: message.name,
      handler: registration.name,
      source: message.source,
      body,
    };
    const error = await runHandler(registration, run, message, options, logger);
    if (error !== undefined) {
      outcome.handler ??= error;
      reportHandlerError(error, run, onError, logger);
    }
  };
  if (registrations.length === 1) {
    await runOne(registrations[0] as Registration);
  } else {
    await Promise.all(registrations.map(runOne));
  }
  return outcome;
}

/**
 * Runs one handler with its reporters, debounce and observer.
 *
 * @param registration The handler's registration.
 * @param run What reporters are told.
 * @param message The message, for its source and metadata.
 * @param options The dispatcher's options (for the observer).
 * @param logger Where reporter failures are logged.
 * @returns What the handler threw, or `undefined`.
 */
async function runHandler(
  registration: Registration,
  run: HandlerRun,
  message: DecodedMessage,
  options: EventDispatcherOptions,
  logger: Logger,
): Promise<unknown> {
  for (const report of registration.startReporters) {
    await runReporter(() => report(run), logger);
  }
  if (
    registration.coalescer !== undefined &&
    !(await registration.coalescer.gate())
  ) {
    return undefined; // coalesced away: counts as handled
  }
  const timed = options.observer !== undefined ||
    registration.completeReporters.length > 0;
  const started = timed ? performance.now() : 0;
  let error: unknown;
  try {
    await callHandler(registration, message, run.body);
  } catch (err) {
    error = err ?? new Error("A handler threw a nullish value");
  }
  const durationMs = timed ? performance.now() - started : 0;
  if (error === undefined) {
    options.observer?.onSuccess(run.event, durationMs);
  } else {
    options.observer?.onFailure(run.event, durationMs, error);
  }
  for (const report of registration.completeReporters) {
    await runReporter(() => report(run, { durationMs, error }), logger);
  }
  return error;
}

/** Runs a reporter; its failure is logged and never decides delivery. */
async function runReporter(
  report: () => unknown,
  logger: Logger,
): Promise<void> {
  try {
    await report();
  } catch (err) {
    logger.error("events: a reporter failed", {
      error: errorText(err),
    });
  }
}

/**
 * Runs the handlers of one anycast message and settles it: acked when
 * every handler succeeded or there is none, failed (redelivered) when one
 * failed, dead-lettered when the body does not decode. Never rejects.
 *
 * @param consumer The consumer it came from.
 * @param message The message.
 * @param registrations The event's anycast handlers, if any.
 * @param options The dispatcher's options (hook and observer).
 * @param logger Where settling failures are logged.
 */
export async function handleAnycast(
  consumer: Consumer,
  message: ConsumedMessage,
  registrations: Set<Registration> | undefined,
  options: EventDispatcherOptions,
  logger: Logger,
): Promise<void> {
  try {
    if (registrations === undefined || registrations.size === 0) {
      await consumer.done(message); // nobody here handles it (upstream too)
      return;
    }
    const errors = await runAll(
      [...registrations],
      message,
      options.onConsumerError,
      options,
      logger,
    );
    if (errors.decode !== undefined) {
      await consumer.deadLetter(message, errors.decode);
    } else if (errors.handler !== undefined) {
      await consumer.fail(message, errors.handler);
    } else {
      await consumer.done(message);
    }
  } catch (err) {
    if (err instanceof MessageQueueClosedError) return;
    logger.error("events: could not settle an anycast message", {
      event: message.name,
      id: message.id,
      error: errorText(err),
    });
  }
}
