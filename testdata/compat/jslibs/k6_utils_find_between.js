// note: findBetween returns the text between two markers (and all of them with repeat).
// expect-exit: 0
// expect-checks: 2/2
import { check } from 'k6';
import { findBetween } from 'https://jslib.k6.io/k6-utils/1.1.0/index.js';
export default function () {
  const html = '<b>one</b> and <b>two</b>';
  check(null, {
    'first': () => findBetween(html, '<b>', '</b>') === 'one',
    'all': () => findBetween(html, '<b>', '</b>', true).join() === 'one,two',
  });
}

