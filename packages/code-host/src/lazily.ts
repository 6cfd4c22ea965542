/**
 * A value whose work starts when it is first awaited, not when it is made: a code host's client is loaded on its
 * first call (its module set-up costs milliseconds of every start that a run without a call never needs).
 */
export function lazily<T>(start: () => PromiseLike<T>): PromiseLike<T> {
  let started: PromiseLike<T> | undefined;
  return {
    then: (onFulfilled, onRejected) => (started ??= start()).then(onFulfilled, onRejected),
  };
}
