// note: on a non-terminal, logs are logfmt with no ANSI colours (issue #10, section 6).
// expect-exit: 0
// expect-stderr: level=info msg="logfmt line" source=console
// expect-no-stderr: [0m
export default function () { console.log('logfmt line'); }

