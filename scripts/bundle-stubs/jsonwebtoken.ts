/**
 * Stands in for `jsonwebtoken` in the bundles. MSAL signs a JWT with it only to turn a certificate into a client
 * assertion, and no credential the actions build uses a certificate (they present an OIDC token, a service
 * connection's token or a client secret); the real package and its dependencies (semver, lodash, jws) would
 * otherwise be loaded, and semver's patterns compiled, at every start.
 */
export default {
  sign(): never {
    throw new Error('Certificate sign-in is not available in these actions: use OIDC or a client secret.');
  },
};
