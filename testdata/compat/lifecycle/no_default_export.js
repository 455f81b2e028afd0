// note: no default export and no scenario exec: k6 refuses the configuration (exit 104).
// expect-exit: 104
// expect-stderr: function 'default' not found in exports
export const options = { iterations: 1 };
export function notDefault() {}

