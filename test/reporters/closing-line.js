/**
 * Ends a jest run with one plain closing line, `tests: N passed, N failed, N skipped`, that any CI can read
 * whatever runner it expects.
 */
export default class ClosingLineReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(
      `\ntests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`,
    );
  }
}
