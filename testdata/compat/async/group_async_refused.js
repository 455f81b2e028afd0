// note: group() with an async callback is k6's error; the iteration fails, the run goes on.
// expect-exit: 0
// expect-stderr: group() does not support async functions as arguments
// expect-metric: iteration_failed rate == 1
import { group } from 'k6';
export default function () { group('g', async () => {}); }

