import { readFile } from 'node:fs/promises';
import { ScenarioError } from './fields.js';
import { parseScenarioText } from './parse-scenario.js';
import type { Scenario } from './types.js';

/** Reads and validates a scenario file (YAML or JSON). */
export async function loadScenarioFile(file: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ScenarioError(
      `Scenario file ${file} cannot be read (${(error as NodeJS.ErrnoException).code}); check the --scenario path.`,
    );
  }
  return parseScenarioText(text, file);
}
