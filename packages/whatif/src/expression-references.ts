/**
 * What an ARM template expression (the text between `[` and `]`) reads: the parameters and variables it names,
 * module outputs it reads (`….outputs.name`), and whether it calls a `list*()` function, whose results
 * (keys, connection strings) are secrets at run time. A name given by another expression is `dynamic`.
 * A small scanner rather than the engine's parser: the analysis over-approximates, and must never fail on an
 * expression the engine would refuse.
 */
export interface ExpressionReferences {
  parameters: string[];
  variables: string[];
  outputs: string[];
  dynamicParameter: boolean;
  dynamicVariable: boolean;
  callsList: boolean;
}

type Token = { kind: 'word' | 'string' | 'punct'; text: string };

function tokens(expression: string): Token[] {
  const found: Token[] = [];
  for (let i = 0; i < expression.length;) {
    const c = expression[i]!;
    if (c === "'") {
      let text = '';
      for (i++; i < expression.length; i++) {
        if (expression[i] === "'" && expression[i + 1] === "'") {
          text += "'";
          i++;
        } else if (expression[i] === "'") break;
        else text += expression[i];
      }
      i++;
      found.push({ kind: 'string', text });
    } else if (/[A-Za-z_$]/.test(c)) {
      const word = /^[A-Za-z_$][\w$]*/.exec(expression.slice(i))![0];
      found.push({ kind: 'word', text: word });
      i += word.length;
    } else if (/\s/.test(c)) i++;
    else {
      found.push({ kind: 'punct', text: c });
      i++;
    }
  }
  return found;
}

/** Reads what `expression` refers to; see {@link ExpressionReferences}. */
export function expressionReferences(expression: string): ExpressionReferences {
  const list = tokens(expression);
  const refs: ExpressionReferences = {
    parameters: [],
    variables: [],
    outputs: [],
    dynamicParameter: false,
    dynamicVariable: false,
    callsList: false,
  };
  list.forEach((token, i) => {
    if (token.kind !== 'word') return;
    const next = list[i + 1];
    const argument = list[i + 2];
    const call = next?.kind === 'punct' && next.text === '(';
    const name = token.text.toLowerCase();
    if (call && (name === 'parameters' || name === 'variables')) {
      const literal = argument?.kind === 'string' && list[i + 3]?.text === ')';
      if (name === 'parameters') {
        if (literal) refs.parameters.push(argument.text.toLowerCase());
        else refs.dynamicParameter = true;
      } else if (literal) refs.variables.push(argument.text.toLowerCase());
      else refs.dynamicVariable = true;
    }
    if (call && /^list/.test(name)) refs.callsList = true;
    const previous = list[i - 1];
    if (name === 'outputs' && previous?.text === '.') {
      const after = list[i + 2];
      if (next?.text === '.' && after?.kind === 'word') refs.outputs.push(after.text.toLowerCase());
      else if (next?.text === '[' && after?.kind === 'string') refs.outputs.push(after.text.toLowerCase());
      else refs.outputs.push('*');
    }
  });
  return refs;
}
