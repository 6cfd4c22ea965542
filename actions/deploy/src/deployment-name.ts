/**
 * ARM deployment names: 1 to 64 characters of letters, digits, `-`, `_`, `.` and parentheses
 * (Microsoft.Resources/deployments naming rules).
 */
export const deploymentNamePattern = /^[-\w.()]{1,64}$/;

/** What the rule says, for the input error sentence. */
export const deploymentNameRule = 'use 1 to 64 letters, digits, dashes, underscores, dots or parentheses';

/** Where the default name comes from: the template's file name and the run that deploys it. */
export interface RunIdentity {
  templateFile: string;
  runId?: string;
  runAttempt?: string;
  pullRequest?: number;
}

/**
 * The default deployment name: `<template>-<run>-<attempt>` (or `-pr<N>` for a pull request), with every
 * character ARM refuses replaced and the template part shortened so the whole fits in 64 characters.
 * A re-run of the same job gets a new name (the attempt), so its deployment history is kept.
 */
export function defaultDeploymentName(run: RunIdentity): string {
  const base = run.templateFile
    .split(/[\\/]/)
    .pop()!
    .replace(/\.(bicepparam|bicep|json)$/i, '');
  const suffix = [
    run.pullRequest !== undefined ? `pr${run.pullRequest}` : undefined,
    run.runId,
    run.runAttempt && run.runAttempt !== '1' ? `a${run.runAttempt}` : undefined,
  ]
    .filter(Boolean)
    .join('-');
  const cleanBase = (
    base
      .replace(/[^-\w.()]/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '') || 'deployment'
  ).toLowerCase();
  if (!suffix) return cleanBase.slice(0, 64);
  const room = 64 - suffix.length - 1;
  return `${cleanBase.slice(0, Math.max(room, 1))}-${suffix}`.slice(0, 64);
}
