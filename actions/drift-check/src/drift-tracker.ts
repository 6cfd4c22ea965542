/**
 * Where the drift of each environment is tracked: a GitHub issue or an Azure Boards work item, one open per
 * environment, found by a label (tag) and a marker in its body that names the environment and holds the
 * fingerprint of the drift it describes.
 */

/** An open issue or work item that tracks one environment's drift. */
export interface TrackedDrift {
  /** The issue number or the work item id. */
  id: number;
  /** Where a person reads it. */
  url: string;
  /** The fingerprint its marker holds: the drift it describes. */
  fingerprint: string;
}

/** What an issue or a work item says: its title and its body (markdown on GitHub, HTML on Azure Boards). */
export interface DriftNotice {
  title: string;
  /** The description, the marker included. */
  body: string;
}

/** The port the drift lifecycle talks through; one adapter per platform. */
export interface DriftTracker {
  /** `issue` or `work item`, for log lines and the summary. */
  readonly noun: string;
  /** What a body is written in: markdown (GitHub issues) or HTML (Azure Boards descriptions). */
  readonly format: 'markdown' | 'html';
  /**
   * The open record of `environment`, found by the label and the marker; undefined when there is none. The open
   * records are listed once per run: each environment has its own record, so one run's writes never change
   * another environment's answer.
   */
  find(environment: string): Promise<TrackedDrift | undefined>;
  /** Opens a record with the label. */
  open(notice: DriftNotice): Promise<{ id: number; url: string }>;
  /** Replaces a record's title and body, and adds `comment` so that watchers hear of the change. */
  update(id: number, notice: DriftNotice, comment: string): Promise<void>;
  /** Adds `comment` and closes the record. */
  close(id: number, comment: string): Promise<void>;
}

/** The hidden marker that ties a body to an environment and a drift. */
export function driftMarker(environment: string, fingerprint: string): string {
  return `azpn-drift-check environment=${environment} fingerprint=${fingerprint}`;
}

/** The environment and fingerprint a body's marker holds, or undefined when it has none. */
export function readDriftMarker(body: string): { environment: string; fingerprint: string } | undefined {
  const match = /azpn-drift-check environment=([\w.-]+) fingerprint=([0-9a-f]+)/.exec(body);
  return match ? { environment: match[1]!, fingerprint: match[2]! } : undefined;
}
