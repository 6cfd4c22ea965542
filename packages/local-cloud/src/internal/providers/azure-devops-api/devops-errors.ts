import { json, type Reply } from '../../http/exchange.js';

/**
 * An error in the shape Azure DevOps Services answers (`VssServiceException` and its kin): the message, the .NET
 * type and its key, and the TF/VS code the message starts with.
 */
export function devOpsError(status: number, typeKey: string, message: string): Reply {
  return json(status, {
    $id: '1',
    innerException: null,
    message,
    typeName: `Microsoft.VisualStudio.Services.WebApi.${typeKey}, Microsoft.VisualStudio.Services.WebApi`,
    typeKey,
    errorCode: 0,
    eventId: 3000,
  });
}

/** The project named in the route does not exist in the organisation. */
export function projectMissing(project: string): Reply {
  return devOpsError(
    404,
    'ProjectDoesNotExistWithNameException',
    `TF200016: The following project does not exist: ${project}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.`,
  );
}

/** No route of the stand-in answers the path and method. */
export function routeMissing(method: string, path: string): Reply {
  return devOpsError(
    404,
    'ResourceNotFoundException',
    `The local Azure DevOps stand-in serves no ${method} ${path}; it serves pull request threads and work items.`,
  );
}
