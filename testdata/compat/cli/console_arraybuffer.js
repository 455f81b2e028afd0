// note: binary data prints its bytes, as k6's console does.
// args: --log-format raw
// expect-exit: 0
// expect-stderr: ArrayBuffer { [Uint8Contents]: <01 02 ff>, byteLength: 3 }
export default function () {
  console.log(new Uint8Array([1, 2, 255]).buffer);
}
