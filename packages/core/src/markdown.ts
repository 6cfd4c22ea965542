/** Markdown building blocks for job summaries, escaped so that values cannot break the table. */

function escapeCell(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** A GitHub-flavoured markdown table; every cell is escaped. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [line(headers), `|${headers.map(() => ' --- ').join('|')}|`, ...rows.map(line)].join('\n') + '\n';
}

/** A heading of the given level. */
export function markdownHeading(text: string, level: 1 | 2 | 3 | 4 = 2): string {
  return `${'#'.repeat(level)} ${text}\n`;
}

/** A fenced mermaid diagram, rendered by GitHub and Azure DevOps summaries. */
export function mermaidBlock(diagram: string): string {
  return '```mermaid\n' + diagram.trimEnd() + '\n```\n';
}

/** A collapsible details block, for long output such as a command's tail. */
export function markdownDetails(summary: string, body: string): string {
  return `<details><summary>${escapeCell(summary)}</summary>\n\n\`\`\`text\n${body.replace(/```/g, "'''")}\n\`\`\`\n\n</details>\n`;
}
