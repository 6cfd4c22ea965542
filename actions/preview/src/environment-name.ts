/**
 * A pull request's preview environment name, which is its resource group's name: `<prefix>-pr-<number>`, the prefix
 * made of what ARM allows in a resource group name (letters, digits, `-_.()`, at most 90 characters, not ending in
 * a dot), so that any repository name or prefix gives a valid, stable name.
 */

/** ARM's limit on a resource group name. */
export const resourceGroupNameLimit = 90;

/** The prefix reduced to what a resource group name may hold: other characters become `-`, runs of `-` one. */
export function sanitisePrefix(prefix: string): string {
  return prefix
    .normalize('NFKD')
    .replace(/[^-\w.()]/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
}

/** The default prefix: `preview-` and the repository's name (without its owner). */
export function defaultPrefix(repository: string | undefined): string {
  const name = repository?.split('/').pop() ?? '';
  return name ? `preview-${name}` : 'preview';
}

/** `<prefix>-pr-<number>`, the prefix cut so that the whole fits ARM's 90 characters and ends in no dot. */
export function environmentName(prefix: string, pullRequest: number): string {
  const suffix = `pr-${pullRequest}`;
  const room = resourceGroupNameLimit - suffix.length - 1;
  const base = sanitisePrefix(prefix)
    .slice(0, room)
    .replace(/[-.]+$/, '');
  return base ? `${base}-${suffix}` : suffix;
}
