/**
 * A promise-chain mutex: callers run one at a time in arrival order.
 *
 * The emulator wraps every branch-moving operation in one, so that "compare the head, write the commit,
 * move the ref" is atomic with respect to other requests of the same emulator — like GitHub, where twenty
 * concurrent `createCommitOnBranch` calls with the same `expectedHeadOid` yield exactly one commit.
 * A task that throws releases the lock and rethrows to its own caller only.
 *
 * @example
 * const lock = createMutex();
 * await lock.run(async () => moveRef());
 */
export interface Mutex {
  run<T>(task: () => Promise<T>): Promise<T>;
}

export function createMutex(): Mutex {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      const result = tail.then(() => task());
      // The next task waits for this one to settle, whichever way it settles.
      tail = result.catch(() => undefined);
      return result;
    },
  };
}
