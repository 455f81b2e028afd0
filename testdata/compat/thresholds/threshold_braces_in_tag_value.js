// note: braces inside a selector's tag value are part of the value, as k6 parses from the first '{' to the last '}'.
// expect-exit: 0
// expect-iterations: 1
import { Trend } from 'k6/metrics';
const t = new Trend('my_trend');
export const options = { iterations: 1, thresholds: { 'my_trend{url:{id}}': ['max==7'] } };
export default function () { t.add(7, { url: '{id}' }); t.add(100, { url: 'other' }); }
