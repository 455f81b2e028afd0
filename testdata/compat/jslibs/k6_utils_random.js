// note: randomIntBetween is inclusive; randomItem picks from the array; randomString has the length asked.
// expect-exit: 0
// expect-iterations: 20
// expect-checks: 60/60
import { check } from 'k6';
import { randomIntBetween, randomItem, randomString } from 'https://jslib.k6.io/k6-utils/1.2.0/index.js';
export const options = { iterations: 20 };
export default function () {
  check(null, {
    'int in [1,3]': () => { const n = randomIntBetween(1, 3); return Number.isInteger(n) && n >= 1 && n <= 3; },
    'item from list': () => ['a', 'b'].includes(randomItem(['a', 'b'])),
    'string of 8': () => randomString(8).length === 8 && /^[a-z0-9]+$/.test(randomString(8)),
  });
}

