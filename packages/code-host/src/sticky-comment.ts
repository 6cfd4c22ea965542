/**
 * One comment per pull request, found by a hidden marker and edited in place, written so that concurrent runs for
 * one pull request end with one comment that shows the newest head commit. The comment carries its own state (the
 * head commit and the run that wrote it) in a second hidden line; before every write the pull request's current
 * head is read: a run for an older head never writes, a run for the same head never overwrites a later run's
 * comment. Two runs that both find no comment both create one, then both list again and keep the oldest, deleting
 * the rest; after writing, a run reads back and writes again if an older run's write landed after its own.
 */

/** A comment (GitHub) or thread (Azure Repos) as the store answers it. */
export interface StoredComment {
  /** GitHub's comment id, or the Azure Repos thread id: the oldest has the lowest. */
  id: number;
  body: string;
  url: string;
  /** Azure Repos: the id of the thread's comment that holds the body. */
  part?: number;
}

/** Where sticky comments live: a pull request's conversation on one code host. */
export interface CommentStore {
  /** The comments carrying `marker`, oldest first. */
  list(marker: string): Promise<StoredComment[]>;
  create(body: string): Promise<StoredComment>;
  update(comment: StoredComment, body: string): Promise<StoredComment>;
  /** Removes a duplicate (a deleted comment, a closed and emptied thread); one already gone is not an error. */
  remove(comment: StoredComment): Promise<void>;
  /** The pull request's head commit now, or undefined where the host does not say. */
  currentHead(): Promise<string | undefined>;
}

/** Which run writes, for ordering: the head commit it is for, and a number that grows with each run. */
export interface StickyAuthor {
  head?: string;
  /** Larger for a later run (run id and attempt); equal for the writes of one run. */
  sequence: number;
}

/** What a write did. */
export interface StickyResult {
  comment?: StoredComment;
  written: boolean;
  /** Why nothing was written. */
  reason?: string;
}

const stateMarker = 'azpn-sticky-state';

/** The hidden lines a sticky comment starts with: its marker, then who wrote it. */
export function stickyHeader(marker: string, author: StickyAuthor): string {
  const state = JSON.stringify({ head: author.head ?? null, sequence: author.sequence });
  return `${marker}\n<!-- ${stateMarker} ${state} -->\n`;
}

/** The author a comment's state line names, or undefined for a comment without one. */
export function stickyAuthorOf(body: string): StickyAuthor | undefined {
  const match = new RegExp(`<!-- ${stateMarker} (\\{.*?\\}) -->`).exec(body);
  if (match === null) return undefined;
  try {
    const state = JSON.parse(match[1]!) as { head?: string | null; sequence?: number };
    return { ...(state.head ? { head: state.head } : {}), sequence: Number(state.sequence ?? 0) };
  } catch {
    return undefined;
  }
}

/** Why this run must not write now, or undefined when it may. */
async function staleness(
  store: CommentStore,
  author: StickyAuthor,
  existing: StoredComment | undefined,
): Promise<string | undefined> {
  const head = await store.currentHead();
  if (head !== undefined && author.head !== undefined && head !== author.head)
    return `the pull request's head is now ${head.slice(0, 7)}, not ${author.head.slice(0, 7)}: the run for ${head.slice(0, 7)} updates the comment`;
  const written = existing === undefined ? undefined : stickyAuthorOf(existing.body);
  if (written !== undefined && written.head === author.head && written.sequence > author.sequence)
    return `a later run for ${author.head?.slice(0, 7) ?? 'this head'} already updated the comment`;
  return undefined;
}

/** The comment to keep: the oldest; the others (created by a concurrent run) are removed. */
async function settleDuplicates(store: CommentStore, marker: string): Promise<StoredComment | undefined> {
  const found = await store.list(marker);
  const [keeper, ...duplicates] = [...found].sort((a, b) => a.id - b.id);
  for (const duplicate of duplicates) await store.remove(duplicate);
  return keeper;
}

/** Whether the comment shows this run's write (or a later one of the same head). */
function shows(comment: StoredComment | undefined, author: StickyAuthor): boolean {
  const written = comment === undefined ? undefined : stickyAuthorOf(comment.body);
  return written !== undefined && written.head === author.head && written.sequence >= author.sequence;
}

/**
 * Writes `content` as the pull request's sticky comment for `marker` (an HTML comment such as
 * `<!-- azpn-preview -->`), unless a newer head or a later run owns it.
 */
export async function writeStickyComment(
  store: CommentStore,
  marker: string,
  author: StickyAuthor,
  content: string,
): Promise<StickyResult> {
  const body = stickyHeader(marker, author) + content;
  let existing = await settleDuplicates(store, marker);
  for (let attempt = 0; attempt < 3; attempt++) {
    const stale = await staleness(store, author, existing);
    if (stale !== undefined)
      return { ...(existing ? { comment: existing } : {}), written: false, reason: stale };
    if (existing === undefined) await store.create(body);
    else await store.update(existing, body);
    // Read back: a concurrent run may have created one too (the oldest is kept), or an older run's write may have
    // landed after this one; the loop writes again when the comment does not show this run.
    existing = await settleDuplicates(store, marker);
    if (shows(existing, author)) return { comment: existing!, written: true };
  }
  return {
    ...(existing ? { comment: existing } : {}),
    written: false,
    reason: 'concurrent runs kept overwriting the comment',
  };
}
