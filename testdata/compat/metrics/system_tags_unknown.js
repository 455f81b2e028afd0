// note: systemTags naming a tag k6 does not have is an invalid option (exit 104).
// expect-exit: 104
// expect-stderr: "nope" is not a system tag
export const options = { systemTags: ['scenario', 'nope'] };
export default function () {}
