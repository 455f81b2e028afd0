// note: console.warn and console.error log at their levels.
// expect-exit: 0
// expect-stderr: level=warning msg="a warning"
// expect-stderr: level=error msg="an error"
export default function () { console.warn('a warning'); console.error('an error'); }

