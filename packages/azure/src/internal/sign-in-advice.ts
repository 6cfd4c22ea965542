import type { AssertionClaims } from './assertion.js';

/** What a failed Entra ID sign-in says, read from the text of the error MSAL or the credential raised. */
export interface SignInFailure {
  /** `AADSTS70021` and the like, when the text carries one. */
  code?: string;
  sentence: string;
  /** Entra ID's correlation id from the error description, when present. */
  correlationId?: string;
}

const mismatchCodes = new Set([
  'AADSTS70021',
  'AADSTS700211',
  'AADSTS700212',
  'AADSTS700213',
  'AADSTS7002137',
  'AADSTS7002138',
  'AADSTS70025',
]);

/**
 * Explains a sign-in failure. `claims` are those of the assertion the job presented (when it presented one);
 * Entra ID's own text is used where it names them (AADSTS70021 quotes issuer, subject and audience).
 */
export function describeSignInFailure(
  text: string,
  clientId: string | undefined,
  claims: AssertionClaims = {},
): SignInFailure {
  const code = /\b(AADSTS\d+)\b/.exec(text)?.[1];
  const correlationId = /Correlation ID:\s*([0-9a-f-]{36})/i.exec(text)?.[1];
  const app = clientId ? `app ${clientId}` : 'the app registration';
  const base = { ...(code ? { code } : {}), ...(correlationId ? { correlationId } : {}) };
  if (code && mismatchCodes.has(code)) {
    return { ...base, sentence: federatedMismatch(text, app, claims) };
  }
  const sentence = code ? knownSignIn(code, app, text) : undefined;
  if (sentence) return { ...base, sentence };
  if (/az login|Azure CLI not found|az: not found|'az' is not recognized/i.test(text)) {
    return {
      sentence:
        'The Azure CLI is not signed in or not installed: add an azure/login step before this one, or sign in with OpenID Connect by giving client-id and tenant-id.',
    };
  }
  return {
    ...base,
    sentence: `Signing in to Entra ID failed (${firstSentence(text)}): check client-id, tenant-id and the cloud input.`,
  };
}

function federatedMismatch(text: string, app: string, claims: AssertionClaims): string {
  const subject =
    claims.subject ??
    quoted(text, /Assertion Subject:\s*'([^']*)'/) ??
    quoted(text, /assertion subject '([^']*)'/);
  const issuer =
    claims.issuer ??
    quoted(text, /Assertion Issuer:\s*'([^']*)'/) ??
    quoted(text, /assertion issuer '([^']*)'/);
  const audience =
    claims.audience ??
    quoted(text, /Assertion Audience:\s*'([^']*)'/) ??
    quoted(text, /assertion audience '([^']*)'/);
  const presented = [
    subject ? `subject '${subject}'` : undefined,
    issuer ? `issuer '${issuer}'` : undefined,
    audience ? `audience '${audience}'` : undefined,
  ].filter(Boolean);
  const what = presented.length > 0 ? ` (${presented.join(', ')})` : '';
  // Entra names the subject it expects when it knows one: "Please make sure the federated identity credential
  // Subject is 'x'" (several joined with "or").
  const expected = /credential Subject is ((?:'[^']*'(?: or )?)+)/.exec(text)?.[1];
  const caseOnly = /matches with case-insensitive comparison/i.test(text)
    ? ' (they differ only in letter case, and Entra ID compares subjects exactly)'
    : '';
  if (expected) {
    return `Entra ID has no federated credential on ${app} that matches the token this job presented${what}; the credential expects subject ${expected}${caseOnly}: run the job from the branch, environment or service connection that subject names, or add a federated credential for the subject this job has.`;
  }
  return `Entra ID has no federated credential on ${app} that matches the token this job presented${what}${caseOnly}: add a federated credential whose subject, issuer and audience are exactly these, or run the job from the branch, environment or service connection an existing credential names.`;
}

function knownSignIn(code: string, app: string, text: string): string | undefined {
  switch (code) {
    case 'AADSTS700016':
      return `Entra ID does not know ${app} in this tenant: check client-id and tenant-id (and that the app lives in the cloud the cloud input names).`;
    case 'AADSTS90002':
    case 'AADSTS900023':
      return 'Entra ID does not know the tenant: check tenant-id (a GUID or a verified domain of the tenant).';
    case 'AADSTS7000215':
    case 'AADSTS7000222':
      return `The client secret of ${app} is wrong or has expired: create a new secret and update the one the job uses.`;
    case 'AADSTS700024':
    case 'AADSTS700027':
      return 'Entra ID refused the federated token as expired or not yet valid: re-run the job, and check the runner clock if it happens again.';
    case 'AADSTS50020':
    case 'AADSTS500011':
      return `Entra ID refused the sign-in (${firstSentence(text)}): check that the cloud input names the cloud the app lives in.`;
    default:
      return undefined;
  }
}

function quoted(text: string, pattern: RegExp): string | undefined {
  return pattern.exec(text)?.[1];
}

function firstSentence(text: string): string {
  const fromCode = /AADSTS\d+:\s*([^\r\n]*?\.)(\s|$)/.exec(text)?.[1];
  const line = fromCode ?? text.split(/\r?\n/)[0] ?? text;
  return line
    .replace(/\s+/g, ' ')
    .replace(/[.\s]+$/, '')
    .slice(0, 300);
}
