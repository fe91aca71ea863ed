/**
 * Tarjan's algorithm, iterative (a chain of thousands would overflow recursion): each id to
 * the number of its strongly connected component over `next`.
 */
export function stronglyConnected(ids: readonly number[], next: (id: number) => Iterable<number>): Map<number, number> {
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  const component = new Map<number, number>();
  let counter = 0;
  for (const start of ids) {
    if (index.has(start)) continue;
    const work: { id: number; next: Iterator<number> }[] = [];
    const open = (id: number) => {
      index.set(id, counter);
      low.set(id, counter++);
      stack.push(id);
      onStack.add(id);
      work.push({ id, next: next(id)[Symbol.iterator]() });
    };
    open(start);
    while (work.length > 0) {
      const top = work[work.length - 1];
      const step = top.next.next();
      if (!step.done) {
        const to = step.value;
        if (!index.has(to)) open(to);
        else if (onStack.has(to)) low.set(top.id, Math.min(low.get(top.id)!, index.get(to)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].id;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.id)!));
      }
      if (low.get(top.id) === index.get(top.id)) {
        let id: number;
        do {
          id = stack.pop()!;
          onStack.delete(id);
          component.set(id, top.id);
        } while (id !== top.id);
      }
    }
  }
  return component;
}
