// note: TextDecoder decodes UTF-8; fatal throws on bad bytes.
// expect-exit: 0
// expect-checks: 2/2
import { check } from 'k6';
export default function () {
  const s = new TextDecoder().decode(new Uint8Array([104, 195, 169]));
  let threw = false;
  try { new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff])); } catch (e) { threw = true; }
  check(null, { 'decoded': () => s === 'hé', 'fatal throws': () => threw });
}

