import { describe, expect, it } from '@jest/globals';
import { formatElapsed, markdownTable, mermaidBlock } from '../src/index.js';

describe('markdown', () => {
  it('escapes pipes and line breaks so a value cannot add columns or rows', () => {
    const table = markdownTable(['name', 'output'], [['a|b', 'line1\nline2']]);
    expect(table.split('\n').filter(Boolean)).toEqual([
      '| name | output |',
      '| --- | --- |',
      '| a\\|b | line1<br>line2 |',
    ]);
  });

  it('fences mermaid diagrams', () => {
    expect(mermaidBlock('flowchart LR\n  a --> b\n\n')).toBe('```mermaid\nflowchart LR\n  a --> b\n```\n');
  });

  it('formats elapsed time for progress lines', () => {
    expect([formatElapsed(1234), formatElapsed(59_949), formatElapsed(125_000)]).toEqual([
      '1.2s',
      '59.9s',
      '2m05s',
    ]);
  });
});
