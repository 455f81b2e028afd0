// note: an unknown remote URL is refused with an error naming the built-in jslibs (issue #10, section 3).
// expect-exit: 107
// expect-stderr: https://example.com/lib.js
// expect-stderr: k6-utils
import { x } from 'https://example.com/lib.js';
export default function () { x(); }

