// note: importing a local module that does not exist is exit 107 naming it.
// expect-exit: 107
// expect-stderr: no-such-module.js
import x from './no-such-module.js';
export default function () { x(); }

