// note: crypto.subtle.digest hashes with SHA-1, SHA-256, SHA-384 and SHA-512 and resolves to an ArrayBuffer (k6 docs: webcrypto/subtlecrypto/digest); FIPS 180 "abc" vectors.
// expect-exit: 0
// expect-checks: 5/5
import { check } from 'k6';
const hex = (b) => Array.from(new Uint8Array(b)).map((x) => x.toString(16).padStart(2, '0')).join('');
export default async function () {
  const abc = new TextEncoder().encode('abc');
  const d = {};
  for (const h of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512']) d[h] = await crypto.subtle.digest(h, abc);
  check(d, {
    'SHA-1': (d) => hex(d['SHA-1']) === 'a9993e364706816aba3e25717850c26c9cd0d89d',
    'SHA-256': (d) => hex(d['SHA-256']) === 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    'SHA-384': (d) => hex(d['SHA-384']).startsWith('cb00753f45a35e8bb5a03d699ac65007'),
    'SHA-512': (d) => hex(d['SHA-512']).startsWith('ddaf35a193617abacc417349ae204131'),
    'an ArrayBuffer': (d) => d['SHA-256'] instanceof ArrayBuffer,
  });
}
