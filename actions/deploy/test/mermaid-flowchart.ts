/**
 * A strict reader of the flowchart subset the deploy action draws (mermaid's flowchart grammar: a header, node
 * declarations `id["label"]`, `subgraph id["label"]` … `end`, and links `a -->|label| b` / `a -.->|label| b`).
 * Returns the problems found; every link must join declared nodes and every subgraph must close.
 */
export function flowchartProblems(markdown: string): string[] {
  const block = /```mermaid\n([\s\S]*?)```/.exec(markdown);
  if (!block) return ['no mermaid block'];
  const lines = block[1]!.split('\n').filter((l) => l.trim() !== '');
  const problems: string[] = [];
  if (!/^flowchart (LR|RL|TB|TD|BT)$/.test(lines[0] ?? '')) problems.push(`bad header: ${lines[0]}`);
  const declared = new Set<string>();
  const links: [string, string][] = [];
  let depth = 0;
  for (const raw of lines.slice(1)) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^subgraph ([A-Za-z]\w*)\["[^"]*"\]$/.exec(line))) {
      declared.add(m[1]!);
      depth++;
    } else if (line === 'end') {
      if (--depth < 0) problems.push('end without subgraph');
    } else if ((m = /^([A-Za-z]\w*)\["[^"\n]*"\]$/.exec(line))) {
      declared.add(m[1]!);
    } else if ((m = /^([A-Za-z]\w*) (?:-->|-\.->)(?:\|[^|"]+\|)? ([A-Za-z]\w*)$/.exec(line))) {
      links.push([m[1]!, m[2]!]);
    } else problems.push(`unreadable line: ${line}`);
  }
  if (depth !== 0) problems.push('unclosed subgraph');
  for (const [from, to] of links) {
    if (!declared.has(from) || !declared.has(to))
      problems.push(`link ${from} -> ${to} joins an undeclared node`);
  }
  return problems;
}
