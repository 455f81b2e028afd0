// note: dynamicTyping turns numbers into numbers; a delimiter can be given.
// expect-exit: 0
// expect-checks: 2/2
import { check } from 'k6';
import papaparse from 'https://jslib.k6.io/papaparse/5.1.1/index.js';
export default function () {
  const r = papaparse.parse('a;b\n1;x\n2.5;y', { header: true, dynamicTyping: true, delimiter: ';' });
  check(r, {
    'typed': (x) => x.data[0].a === 1 && x.data[1].a === 2.5 && x.data[1].b === 'y',
    'meta and errors': (x) => x.meta.delimiter === ';' && x.errors.length === 0 && x.meta.fields.join() === 'a,b',
  });
}

