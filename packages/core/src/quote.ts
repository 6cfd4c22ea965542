/** The most characters of a value an error sentence quotes; a 200 KB input must not become a 200 KB error. */
export const quotedValueLimit = 300;

/**
 * A value as an error sentence quotes it: in double quotes, on one line (line breaks, tabs and other control
 * characters escaped as JSON escapes them), and cut after {@link quotedValueLimit} characters with the full
 * length said, so that an error stays one readable line whatever the input held.
 */
export function quoteValue(value: string, limit = quotedValueLimit): string {
  const chars = [...value];
  const shown = chars.length > limit ? chars.slice(0, limit).join('') : value;
  const escaped = JSON.stringify(shown);
  if (chars.length <= limit) return escaped;
  return `${escaped.slice(0, -1)}…" (${chars.length} characters)`;
}
