// note: k6/http stays out of scope with a clear "not supported" error (exit 107).
// expect-exit: 107
// expect-stderr: k6/http
import http from 'k6/http';
export default function () { http.get('http://127.0.0.1:1/'); }

