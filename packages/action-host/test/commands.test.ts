import { describe, expect, it } from '@jest/globals';
import { maskSecrets, parseFileCommands, parseLoggingCommands, parseWorkflowCommands } from '../src/index.js';

describe('GitHub runner files and commands', () => {
  it('reads name=value lines and heredoc blocks', () => {
    const text = 'a=1\nmulti<<EOF_1\nline 1\nline 2\nEOF_1\nb=x=y\n';
    expect(parseFileCommands(text)).toEqual({ a: '1', multi: 'line 1\nline 2', b: 'x=y' });
  });

  it('refuses an unterminated heredoc rather than guessing', () => {
    expect(() => parseFileCommands('a<<EOF\nvalue\n')).toThrow('Unterminated heredoc for a');
  });

  it('parses workflow commands with escaped data and properties', () => {
    const commands = parseWorkflowCommands(
      '::add-mask::s3cr3t\nplain line\n::error file=a.ts,line=3::bad%0Anews%25\n',
    );
    expect(commands).toEqual([
      { command: 'add-mask', properties: {}, message: 's3cr3t' },
      { command: 'error', properties: { file: 'a.ts', line: '3' }, message: 'bad\nnews%' },
    ]);
  });
});

describe('Azure DevOps logging commands', () => {
  it('parses properties and unescapes the agent encoding', () => {
    const [command] = parseLoggingCommands(
      '##vso[task.setvariable variable=x;isOutput=true;issecret=false;]a%0Ab%AZP25%3B',
    );
    expect(command).toEqual({
      command: 'task.setvariable',
      properties: { variable: 'x', isOutput: 'true', issecret: 'false' },
      message: 'a\nb%%3B',
    });
    const [complete] = parseLoggingCommands('##vso[task.complete result=Failed;]it broke');
    expect(complete?.properties.result).toBe('Failed');
  });
});

describe('maskSecrets', () => {
  it('masks the longest secret first so overlapping secrets leave nothing behind', () => {
    expect(maskSecrets('token abc abcdef', ['abc', 'abcdef'])).toBe('token *** ***');
  });
});
