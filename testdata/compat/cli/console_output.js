// note: --console-output FILE sends console.* there.
// args: --console-output {tmp}/console.txt
// expect-exit: 0
// expect-file: console.txt to the console file
export default function () { console.log('to the console file'); }

