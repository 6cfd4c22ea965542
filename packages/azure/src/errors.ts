import { UserFacingError } from '@azpn/core';
import { adviceFor, genericAdvice } from './internal/arm-advice.js';
import { parseArmError, rootCauses } from './internal/arm-error-tree.js';
import type { ArmErrorNode } from './internal/arm-error-tree.js';
import { FederatedAssertionError } from './internal/assertion.js';
import { findErrorCode, unreachableCodes, untrustedCertificateCodes } from './internal/network-codes.js';
import { describeSignInFailure } from './internal/sign-in-advice.js';
import { azureMessages } from './messages.js';

/** One cause of an Azure error, after nested `details[]` and JSON-in-string messages have been opened. */
export interface AzureErrorDetail {
  code?: string;
  message: string;
  target?: string;
}

/** An Azure failure, read into what a user needs: what to do, the code, the id support asks for. */
export interface AzureErrorDescription {
  /** One sentence saying what went wrong and what to do. */
  sentence: string;
  /** The most specific ARM or Entra ID code (the root cause's when the top code only wraps it). */
  code?: string;
  /** `x-ms-correlation-request-id` of the failing ARM request, or Entra ID's correlation id. */
  correlationId?: string;
  /** HTTP status of the failing response, when there was one. */
  statusCode?: number;
  /** The root causes, in the order the service listed them. */
  details: AzureErrorDetail[];
  /** False when the error is not an Azure error this package knows, i.e. most likely a bug. */
  recognised: boolean;
}

/** Options for {@link describeAzureError}. */
export interface DescribeOptions {
  /**
   * A correlation id to report when the error itself carries none (a failed long-running operation):
   * `clients.lastResponse()?.correlationId`.
   */
  correlationId?: string;
  /**
   * The body of the failed answer, for errors that lost it: a long-running operation that failed at once (a
   * validation answered 400) reaches the caller as "The long-running operation has failed", without ARM's error
   * tree. `clients.lastResponse()?.errorBody`.
   */
  errorBody?: string;
}

const bareOperationFailure = /^The long-running operation has failed\.?$/;

/**
 * Reads any error an Azure call can raise: a RestError from an SDK client (ARM error body, correlation id
 * header), a failed long-running operation, an Entra ID sign-in failure (AADSTS codes, federated subject
 * mismatches), a network or TLS failure, or a {@link UserFacingError} this package already phrased.
 */
export function describeAzureError(error: unknown, options: DescribeOptions = {}): AzureErrorDescription {
  const tree =
    error instanceof Error && bareOperationFailure.test(error.message.trim())
      ? parseArmError(options.errorBody)
      : undefined;
  const described = tree ? fromArmTree(tree, undefined, undefined) : describe(error);
  if (!described.correlationId && options.correlationId) described.correlationId = options.correlationId;
  return described;
}

/** The failure line: the sentence, then the code and correlation id, then each root cause when there are several. */
export function formatAzureError(description: AzureErrorDescription): string {
  const tail = [
    description.code ? `code: ${description.code}` : undefined,
    description.correlationId ? `correlation id: ${description.correlationId}` : undefined,
  ].filter(Boolean);
  const head = tail.length > 0 ? `${description.sentence} (${tail.join(', ')})` : description.sentence;
  if (description.details.length < 2) return head;
  return [head, ...description.details.map((d) => `  - ${d.code ? `${d.code}: ` : ''}${d.message}`)].join(
    '\n',
  );
}

/**
 * The error to rethrow from an action's Azure calls: a {@link UserFacingError} carrying the sentence, code and
 * correlation id for errors this package recognises; the original error (a likely bug) otherwise.
 */
export function toUserFacingError(error: unknown, options: DescribeOptions = {}): unknown {
  if (error instanceof UserFacingError) return error;
  const d = describeAzureError(error, options);
  if (!d.recognised) return error;
  return new UserFacingError(d.sentence, {
    ...(d.code ? { code: d.code } : {}),
    ...(d.correlationId ? { correlationId: d.correlationId } : {}),
    cause: error,
  });
}

/**
 * ARM's error tree as indented lines, `code: message` each, the root causes deepest: what the log and the summary
 * show of a failed validation. Empty when `body` is not an ARM error.
 */
export function armErrorTreeLines(body: unknown): string[] {
  const tree = parseArmError(body);
  if (!tree) return [];
  const lines: string[] = [];
  const walk = (node: ArmErrorNode, depth: number) => {
    lines.push(`${'  '.repeat(depth)}${node.code ? `${node.code}: ` : ''}${node.message}`);
    for (const child of node.details) walk(child, depth + 1);
  };
  walk(tree, 0);
  return lines;
}

/** Opens an ARM error body (object or JSON text) into its root causes; empty when it is not an ARM error. */
export function armErrorCauses(body: unknown): AzureErrorDetail[] {
  const tree = parseArmError(body);
  return tree ? rootCauses(tree).map(toDetail) : [];
}

function describe(error: unknown): AzureErrorDescription {
  if (error instanceof UserFacingError) {
    return {
      sentence: error.message,
      ...(error.code ? { code: error.code } : {}),
      ...(error.correlationId ? { correlationId: error.correlationId } : {}),
      details: [],
      recognised: true,
    };
  }
  if (!(error instanceof Error)) return unrecognised(String(error));
  // First, as a token endpoint that cannot be reached also surfaces as a sign-in error.
  const network = networkFailure(error);
  if (network) return network;
  if (error instanceof FederatedAssertionError) return signIn(chainText(error), error.clientId, error);
  if (isIdentityError(error)) return signIn(chainText(error), undefined, undefined);
  const withStatus = error as Error & {
    statusCode?: number;
    code?: unknown;
    response?: ResponseLike;
    details?: unknown;
  };
  const body = withStatus.response?.bodyAsText ?? withStatus.details;
  const tree = parseArmError(body) ?? fromCodedMessage(withStatus);
  if (!tree && withStatus.statusCode === undefined) return unrecognised(error.message);
  const node = tree ?? { message: error.message, details: [] };
  return fromArmTree(node, withStatus.statusCode, correlationIdOf(withStatus.response));
}

interface ResponseLike {
  bodyAsText?: string | null;
  headers?: { get(name: string): string | undefined };
}

function fromArmTree(tree: ArmErrorNode, status: number | undefined, correlationId: string | undefined) {
  const causes = rootCauses(tree);
  const primary = causes.find((c) => adviceFor(c)) ?? causes[0] ?? tree;
  // The most specific advice wins (a DeploymentFailed that wraps AuthorizationFailed is about the role);
  // otherwise the wrapper's advice is given with the root cause's words.
  const sentence =
    adviceFor(primary) ??
    adviceFor({ ...tree, message: primary.message || tree.message }) ??
    (status === 429 ? adviceFor({ code: 'TooManyRequests', message: '', details: [] }) : undefined) ??
    genericAdvice(primary, status);
  const description: AzureErrorDescription = {
    sentence,
    details: causes.filter((c) => c !== tree || c.code).map(toDetail),
    recognised: true,
  };
  const code = primary.code ?? tree.code ?? (status === 429 ? 'TooManyRequests' : undefined);
  if (code) description.code = code;
  if (correlationId) description.correlationId = correlationId;
  if (status !== undefined) description.statusCode = status;
  return description;
}

function signIn(text: string, clientId: string | undefined, federated: FederatedAssertionError | undefined) {
  const failure = describeSignInFailure(text, clientId, federated?.claims);
  const description: AzureErrorDescription = { sentence: failure.sentence, details: [], recognised: true };
  if (failure.code) description.code = failure.code;
  if (failure.correlationId) description.correlationId = failure.correlationId;
  return description;
}

/**
 * Errors a failed long-running operation raises: core-lro keeps only `The long-running operation has failed.
 * <code>. <message>` (the details are lost; list the deployment operations for them), other pollers a `code`.
 */
function fromCodedMessage(error: Error & { code?: unknown }): ArmErrorNode | undefined {
  const lro = /^The long-running operation has failed\. ([A-Za-z][\w.]*)\. ([\s\S]*)$/.exec(error.message);
  if (lro?.[1] && lro[2]) return parseArmError({ code: lro[1], message: lro[2] });
  if (typeof error.code !== 'string' || /^[A-Z_]+$/.test(error.code)) return parseArmError(error.message);
  return parseArmError({ code: error.code, message: error.message });
}

function networkFailure(error: Error): AzureErrorDescription | undefined {
  const text = chainText(error);
  const url = (error as { request?: { url?: string } }).request?.url;
  const host = url ? new URL(url).host : /\b(?:connect|getaddrinfo) \w+ ([^\s]+)/.exec(text)?.[1];
  const where = host ?? 'the Azure endpoint';
  const tls = findErrorCode(error, untrustedCertificateCodes);
  if (tls) {
    return {
      sentence: azureMessages.endpointUntrusted(where, tls),
      code: tls,
      details: [],
      recognised: true,
    };
  }
  const net = findErrorCode(error, unreachableCodes);
  if (!net) return undefined;
  return {
    sentence: azureMessages.endpointUnreachable(where, net),
    code: net,
    details: [],
    recognised: true,
  };
}

function isIdentityError(error: Error): boolean {
  const names = [
    'AuthenticationError',
    'AuthenticationRequiredError',
    'CredentialUnavailableError',
    'AggregateAuthenticationError',
  ];
  return names.includes(error.name) || /\bAADSTS\d+/.test(error.message);
}

function correlationIdOf(response: ResponseLike | undefined): string | undefined {
  return response?.headers?.get('x-ms-correlation-request-id') ?? undefined;
}

/** All messages down the `cause` chain (and an AuthenticationError's description), for pattern matching. */
function chainText(error: unknown): string {
  const parts: string[] = [];
  for (let e = error, i = 0; e instanceof Error && i < 6; e = e.cause, i++) {
    parts.push(e.message);
    const description = (e as { errorResponse?: { errorDescription?: string } }).errorResponse
      ?.errorDescription;
    if (description) parts.push(description);
    const inner = (e as { errors?: unknown[] }).errors;
    if (Array.isArray(inner)) parts.push(...inner.map(chainText));
  }
  return parts.join('\n');
}

function toDetail(node: ArmErrorNode): AzureErrorDetail {
  return {
    ...(node.code ? { code: node.code } : {}),
    message: node.message,
    ...(node.target ? { target: node.target } : {}),
  };
}

function unrecognised(message: string): AzureErrorDescription {
  return { sentence: message, details: [], recognised: false };
}
