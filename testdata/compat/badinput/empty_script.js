// note: a script that exports nothing is a script error (107); k6 says "no exported functions in script".
// expect-exit: 107
// expect-stderr: export
