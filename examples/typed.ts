// typed.ts: a TypeScript script. xk6-neo4j runs .ts files as they are; editors complete and
// check them with types/k6-x-neo4j.d.ts (and @types/k6), which CI checks with tsc.
import neo4j, { Result } from 'k6/x/neo4j';
import { check } from 'k6';
import { Options } from 'k6/options';

export const options: Options = { vus: 2, iterations: 20 };

interface Person {
  name: string;
  born: number;
}

const db = neo4j.connect(__ENV.NEO4J_URI, {
  user: __ENV.NEO4J_USER || 'neo4j', password: __ENV.NEO4J_PASSWORD, serverMetrics: false, profile: 0,
});

export default function (): void {
  const r: Result<Person> = db.read<Person>('RETURN $name AS name, $born AS born', { name: 'Ada', born: 1815 },
    { tags: { name: 'typed-person' }, profile: 1 });
  const p: Person = r.records[0];
  check(p, {
    'typed record': (x) => x.name === 'Ada' && x.born === 1815,
  });
  const n: number = db.writeTx((tx) => tx.run('RETURN 1 AS one').count, { tags: { name: 'typed-tx' } });
  check(n, { 'writeTx returns the function value': (v) => v === 1 });
}
