// note: structuredClone deep-copies Maps, Dates and nested objects.
// expect-exit: 0
// expect-checks: 3/3
import { check } from 'k6';
export default function () {
  const src = { d: new Date(5), m: new Map([['k', { n: 1 }]]), list: [1, [2]] };
  const c = structuredClone(src);
  check(c, {
    'date kept': (x) => x.d instanceof Date && x.d.getTime() === 5,
    'map kept': (x) => x.m.get('k').n === 1 && x.m !== src.m,
    'deep copy': (x) => x.list[1] !== src.list[1] && x.list[1][0] === 2,
  });
}

