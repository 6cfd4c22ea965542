/** A property change of a what-if result, as the SDK answers it. */
interface Change {
  path?: string;
  propertyChangeType?: string;
  before?: unknown;
  after?: unknown;
  children?: Change[];
}

/**
 * The leaves of a what-if delta as `Kind path: before → after` lines (paths joined with dots, array indexes as
 * digits), so a test can name every change, the noise ARM shows included, in one readable list.
 */
export function whatIfLeaves(delta: readonly Change[] | undefined, prefix = ''): string[] {
  return (delta ?? []).flatMap((change) => {
    const path = prefix ? `${prefix}.${change.path}` : (change.path ?? '');
    if (change.children?.length) return whatIfLeaves(change.children, path);
    const show = (value: unknown) => (value === undefined ? '∅' : JSON.stringify(value));
    return [`${change.propertyChangeType} ${path}: ${show(change.before)} → ${show(change.after)}`];
  });
}
