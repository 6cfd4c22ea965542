/** Lines of a multi-line secret shorter than this are not registered alone: masking `{` would blank the log. */
const shortestLine = 4;

const nonAscii = /[^\x20-\x7e]/g;

/** JSON's escaping with every character outside printable ASCII as `\uXXXX`, as .NET and Python print JSON. */
function asciiJson(value: string, upper: boolean): string {
  return JSON.stringify(value)
    .slice(1, -1)
    .replace(nonAscii, (c) => {
      const hex = c.charCodeAt(0).toString(16).padStart(4, '0');
      return `\\u${upper ? hex.toUpperCase() : hex}`;
    });
}

/** How the runner's workflow commands escape a message (`::debug::a%0Ab`). */
function githubCommandData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** How the agent's logging commands escape a message and a property (`##vso[…]a%0Ab`). */
function agentCommandData(value: string): string[] {
  const message = value.replace(/%/g, '%AZP25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return [message, message.replace(/]/g, '%5D').replace(/;/g, '%3B')];
}

/**
 * Every form in which a secret can reach a log, a file or a comment when something prints it: raw;
 * JSON-escaped (with and without `\uXXXX` for non-ASCII); URL-encoded (component and form style); base64;
 * escaped as a GitHub workflow command or an Azure DevOps logging command escapes it; and each line of a
 * multi-line value on its own. Registering all of them before anything prints is what keeps a secret with a
 * quote, a backslash, a `%` or a line break masked.
 */
export function secretForms(value: string): string[] {
  if (value === '') return [];
  const lines = value.split(/\r?\n/).filter((line) => line.trim().length >= shortestLine);
  const url = encodeURIComponent(value);
  const forms = [
    value,
    JSON.stringify(value).slice(1, -1),
    asciiJson(value, false),
    asciiJson(value, true),
    url,
    url.replace(/%20/g, '+'),
    Buffer.from(value, 'utf8').toString('base64'),
    githubCommandData(value),
    ...agentCommandData(value),
    ...(lines.length > 1 ? lines.flatMap((line) => [line, JSON.stringify(line).slice(1, -1)]) : []),
  ];
  return [...new Set(forms.filter((form) => form.length > 0))];
}

/**
 * The secrets of one run, in every form {@link secretForms} knows: the adapters register each form with the
 * runner or agent, and redact every log line, summary and failure message through {@link redact} before
 * writing it, so that no form reaches stdout even where the platform's own masking would miss it.
 */
export class SecretRegistry {
  private readonly forms = new Set<string>();
  private ordered: string[] = [];

  /** Adds `value`; answers the forms not known before (the ones to register with the platform). */
  register(value: string): string[] {
    const fresh = secretForms(value).filter((form) => !this.forms.has(form));
    for (const form of fresh) this.forms.add(form);
    if (fresh.length > 0) this.ordered = [...this.forms].sort((a, b) => b.length - a.length);
    return fresh;
  }

  /** `text` with every known form replaced by `***`, longest first. */
  redact(text: string): string {
    let result = text;
    for (const form of this.ordered) if (result.includes(form)) result = result.split(form).join('***');
    return result;
  }

  /** True when `text` holds any known form of any secret. */
  holdsSecret(text: string): boolean {
    return this.ordered.some((form) => text.includes(form));
  }
}
