// note: several expressions on a Trend are each judged; all hold here.
// expect-exit: 0
import { Trend } from 'k6/metrics';
const t = new Trend('lat');
export const options = { iterations: 4, thresholds: { lat: ['avg<100', 'p(90)<100', 'max<=40', 'min>=10', 'med>0'] } };
let v = 0;
export default function () { v += 10; t.add(v); }

