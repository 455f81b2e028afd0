// note: an awaited crypto.subtle rejection nobody catches ends the iteration as an uncaught exception, logged and counted like a throw.
// expect-exit: 0
// expect-iterations: 2
// expect-metric: iteration_failed rate == 1
// expect-stderr: Uncaught (in promise) OperationError
export const options = { iterations: 2 };
export default async function () {
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 128 }, false, ['decrypt']);
  await crypto.subtle.decrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, key, new Uint8Array(32));
}
