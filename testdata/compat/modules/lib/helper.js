// A local module the corpus's import scripts load (not a corpus script itself).
export function greet(name) { return `hello ${name}`; }
export default 42;
