// note: a syntax error is exit 107 naming the file and line, with no Go stack trace.
// expect-exit: 107
// expect-stderr: syntax_error.js:5
export default function () {
  const x = ;
}

