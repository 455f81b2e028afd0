// note: Papa Parse's step callback gets each row in turn and parser.abort() stops it (papaparse 5.x docs, served as k6's jslib).
// expect-exit: 0
// expect-checks: 1/1
import { check } from 'k6';
import papaparse from 'https://jslib.k6.io/papaparse/5.1.1/index.js';
export default function () {
  const seen = [];
  const res = papaparse.parse('name\nann\nbo\ncy', { header: true, step: (r, parser) => { seen.push(r.data.name); if (seen.length === 2) parser.abort(); } });
  check(res, { 'two rows then abort': (x) => seen.join() === 'ann,bo' && x.meta.aborted === true && x.data.length === 0 });
}
