// note: --include-system-env-vars=false keeps the system environment out of __ENV.
// args: --include-system-env-vars=false
// env: COMPAT_FROM_SHELL=yes
// expect-exit: 0
// expect-checks: 1/1
import { check } from 'k6';
export default function () { check(__ENV.COMPAT_FROM_SHELL, { 'system env hidden': (v) => v === undefined }); }

