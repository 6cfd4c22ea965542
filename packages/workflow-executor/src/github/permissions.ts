/**
 * The job token's permissions as GitHub computes them: the job's `permissions:` replaces the workflow's; a
 * mapping sets every scope it leaves out to none; `read-all`/`write-all` set them all; without any, the
 * repository default applies. A pull request from a fork gets at most read, and no ID token.
 */

/** A scope's access. */
export type PermissionLevel = 'read' | 'write' | 'none';

/** Every scope of the job token, with its access. */
export type JobPermissions = Record<string, PermissionLevel>;

/** The scopes `permissions:` can name (metadata is always read). */
export const permissionScopes = [
  'actions',
  'attestations',
  'checks',
  'contents',
  'deployments',
  'discussions',
  'id-token',
  'issues',
  'models',
  'packages',
  'pages',
  'pull-requests',
  'repository-projects',
  'security-events',
  'statuses',
] as const;

/** The repository setting for workflows that declare no permissions. */
export type DefaultPermissions = 'restricted' | 'permissive';

function all(level: PermissionLevel): JobPermissions {
  return Object.fromEntries(permissionScopes.map((s) => [s, level]));
}

function fromSetting(setting: unknown, where: string): JobPermissions {
  if (setting === 'read-all') return { ...all('read'), 'id-token': 'none' };
  if (setting === 'write-all') return all('write');
  if (setting && typeof setting === 'object' && !Array.isArray(setting)) {
    const permissions = all('none');
    for (const [scope, level] of Object.entries(setting as Record<string, unknown>)) {
      if (
        !(permissionScopes as readonly string[]).includes(scope) ||
        !['read', 'write', 'none'].includes(String(level))
      ) {
        throw new Error(
          `${where} sets ${scope}: ${String(level)}, which is not a permission: use one of ${permissionScopes.join(', ')} with read, write or none.`,
        );
      }
      permissions[scope] = level as PermissionLevel;
    }
    return permissions;
  }
  throw new Error(`${where} is neither read-all, write-all nor a mapping of scopes.`);
}

function repositoryDefault(kind: DefaultPermissions): JobPermissions {
  if (kind === 'permissive') return { ...all('write'), 'id-token': 'none' };
  return { ...all('none'), contents: 'read', packages: 'read' };
}

/** The permissions of one job's token. */
export function jobPermissions(
  workflowSetting: unknown,
  jobSetting: unknown,
  options: { defaults: DefaultPermissions; fork: boolean; where: string },
): JobPermissions {
  const setting = jobSetting ?? workflowSetting;
  const permissions =
    setting === undefined ? repositoryDefault(options.defaults) : fromSetting(setting, options.where);
  permissions.metadata = 'read';
  if (options.fork) {
    for (const scope of Object.keys(permissions))
      if (permissions[scope] === 'write') permissions[scope] = 'read';
    permissions['id-token'] = 'none';
  }
  return permissions;
}
