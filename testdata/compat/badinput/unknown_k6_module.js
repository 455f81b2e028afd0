// note: an unknown k6/ module is exit 107 naming it.
// expect-exit: 107
// expect-stderr: k6/nope
import nope from 'k6/nope';
export default function () {}

