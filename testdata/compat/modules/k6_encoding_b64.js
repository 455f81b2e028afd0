// note: k6/encoding in its four variants.
// expect-exit: 0
// expect-checks: 5/5
import { check } from 'k6';
import encoding from 'k6/encoding';
export default function () {
  const bytes = new Uint8Array([0xfb, 0xff, 0x3f, 0x6b, 0x36]).buffer;
  check(null, {
    'std': () => encoding.b64encode(bytes) === '+/8/azY=',
    'rawstd': () => encoding.b64encode(bytes, 'rawstd') === '+/8/azY',
    'url': () => encoding.b64encode(bytes, 'url') === '-_8_azY=',
    'rawurl': () => encoding.b64encode(bytes, 'rawurl') === '-_8_azY',
    'decode to string': () => encoding.b64decode('aGVsbG8=', 'std', 's') === 'hello',
  });
}

