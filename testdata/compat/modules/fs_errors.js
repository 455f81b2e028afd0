// note: k6/experimental/fs rejects with an error whose name tells the kind: NotFoundError for a missing file, ForbiddenError for open() outside the init context.
// expect-exit: 0
// expect-checks: 2/2
import { check } from 'k6';
import { open } from 'k6/experimental/fs';
let notFound;
try { await open('./data/no-such-file.csv'); } catch (e) { notFound = e; }
export default async function () {
  let forbidden;
  try { await open('./data/users.csv'); } catch (e) { forbidden = e; }
  check(null, {
    'NotFoundError': () => notFound !== undefined && notFound.name === 'NotFoundError',
    'ForbiddenError': () => forbidden !== undefined && forbidden.name === 'ForbiddenError',
  });
}
