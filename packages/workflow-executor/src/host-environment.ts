/**
 * The few variables of this process a runner's machine would also give every step (PATH, HOME, locale, the CA a
 * test cloud uses). The executor plays the runner, so it is the one place that reads the process environment.
 */
export function hostEnvironment(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'LANG', 'TZ', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE'];
  const env: Record<string, string> = {};
  // eslint-disable-next-line no-restricted-properties -- the runner's machine environment, see above
  const own = process.env;
  for (const key of keep) if (own[key] !== undefined) env[key] = own[key] as string;
  return env;
}

/** Joins environment layers; later layers win and undefined values are dropped. */
export function layerEnvironment(
  ...layers: (Record<string, string | undefined> | undefined)[]
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer ?? {})) if (value !== undefined) env[key] = value;
  }
  return env;
}
