// note: k6's older examples import { crypto } from "k6/experimental/webcrypto"; it is the same object as the global crypto (k6 docs: k6-experimental/webcrypto).
// expect-exit: 0
// expect-checks: 2/2
import { crypto as wc } from 'k6/experimental/webcrypto';
import { check } from 'k6';
export default async function () {
  const d = await wc.subtle.digest('SHA-256', new Uint8Array(0));
  check(null, {
    'same object': () => wc === globalThis.crypto && typeof wc.subtle.importKey === 'function',
    'it works': () => d.byteLength === 32,
  });
}
