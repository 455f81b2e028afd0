// note: k6 run passes the system environment to __ENV by default (--include-system-env-vars).
// env: COMPAT_FROM_SHELL=yes
// expect-exit: 0
// expect-checks: 1/1
import { check } from 'k6';
export default function () { check(__ENV.COMPAT_FROM_SHELL, { 'system env seen': (v) => v === 'yes' }); }

