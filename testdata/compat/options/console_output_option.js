// note: the consoleOutput option sends console.* to a file, as --console-output does.
// expect-exit: 0
// expect-file: console-opt.txt into the option file
export const options = { consoleOutput: 'console-opt.txt' };
export default function () { console.log('into the option file'); }

