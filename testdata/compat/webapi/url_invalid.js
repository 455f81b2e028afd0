// note: new URL() of something that is not a URL throws a TypeError (WHATWG URL standard); URL.canParse says so without throwing.
// expect-exit: 0
// expect-checks: 3/3
import { check } from 'k6';
export default function () {
  let err;
  try { new URL('not a url'); } catch (e) { err = e; }
  check(err, {
    'TypeError': (e) => e instanceof TypeError,
    'says Invalid URL': (e) => /Invalid URL/.test(e.message),
    'canParse': () => URL.canParse('x', 'http://h/') && !URL.canParse('x'),
  });
}
