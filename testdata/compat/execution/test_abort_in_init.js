// note: exec.test.abort() in the init code: exit 108.
// expect-exit: 108
// expect-stderr: bad config
import exec from 'k6/execution';
exec.test.abort('bad config');
export default function () {}

