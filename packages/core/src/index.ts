export type * from './ports.js';
export { InputError, UserFacingError, formatFailure } from './errors.js';
export { input, parseInputs } from './inputs.js';
export type { ConfigOf, InputSpec, ShapeResult } from './inputs.js';
export { markdownDetails, markdownHeading, markdownTable, mermaidBlock } from './markdown.js';
export { messages } from './messages.js';
export { formatElapsed, progressReporter } from './progress.js';
export { runStep } from './step.js';
