// note: a threshold on k6's http_req_duration, which this tool never emits, is accepted (not exit 104) and judged on no samples.
// expect-exit: 0
// expect-stdout: http_req_duration
export const options = { iterations: 1, thresholds: { http_req_duration: ['p(95)<500'], http_req_failed: ['rate<0.01'] } };
export default function () {}
