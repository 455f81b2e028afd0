// note: require() of a local module in the init context.
// expect-exit: 0
// expect-checks: 1/1
import { check } from 'k6';
const helper = require('./lib/helper.js');
export default function () { check(helper, { 'required': (h) => h.greet('y') === 'hello y' }); }

