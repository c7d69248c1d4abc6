// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Internal: masking the credentials of a Redis URL that may not parse.

/**
 * A URL's text with its userinfo (what lies between `://`, or the scheme's
 * `:`, and the last `@`) replaced by `mask`. It needs no parsing, so it
 * also works on a URL that does not parse, whose password may hold
 * characters a parser would read otherwise (hence the last `@`).
 *
 * @param text The URL as given.
 * @param mask What replaces the user and password.
 * @returns The text, masked when it has userinfo.
 */
export function maskUserinfo(text: string, mask: string): string {
  const at = text.lastIndexOf("@");
  if (at < 0) return text;
  const scheme = text.indexOf("://");
  const start = scheme >= 0 ? scheme + 3 : text.indexOf(":") + 1;
  if (start <= 0 || at < start) return text;
  return text.slice(0, start) + mask + text.slice(at);
}
