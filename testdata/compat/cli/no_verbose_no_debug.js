// note: without -v, console.debug prints nothing (k6's default level is info).
// expect-exit: 0
// expect-stderr: level=info msg=info-line source=console
// expect-no-stderr: dbg-line
export default function () {
  console.debug('dbg-line');
  console.info('info-line');
}
