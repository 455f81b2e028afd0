// note: externally-controlled runs its vus for duration unless the REST API changes them.
// args: --address 127.0.0.1:0
// expect-exit: 0
// expect-iterations: 2..30
import { sleep } from 'k6';
export const options = {
  scenarios: { ext: { executor: 'externally-controlled', vus: 1, maxVUs: 2, duration: '1s' } },
};
export default function () { sleep(0.1); }

