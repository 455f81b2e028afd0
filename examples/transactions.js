// transactions.js: money moves between accounts in one write transaction each; teardown
// checks that no money was created or lost. Run by examples_test.go.
//
//   NEO4J_URI=... NEO4J_PASSWORD=... xk6-neo4j run examples/transactions.js
import neo4j from 'k6/x/neo4j';
import { check } from 'k6';

export const options = { vus: 5, iterations: 200 };

const db = neo4j.connect(__ENV.NEO4J_URI, { user: __ENV.NEO4J_USER || 'neo4j', password: __ENV.NEO4J_PASSWORD });
const ACCOUNTS = 10;

export function setup() {
  db.run('MATCH (a:Account) DETACH DELETE a');
  db.write('UNWIND range(1, $n) AS id CREATE (:Account {id: id, balance: 100})', { n: ACCOUNTS });
  return { total: ACCOUNTS * 100 };
}

export default function (data) {
  const from = 1 + Math.floor(Math.random() * ACCOUNTS);
  const to = 1 + ((from + Math.floor(Math.random() * (ACCOUNTS - 1))) % ACCOUNTS);
  // Both updates commit together or not at all; on a deadlock the driver's transient error
  // makes the whole function run again.
  const moved = db.writeTx((tx) => {
    const r = tx.run('MATCH (a:Account {id: $id}) WHERE a.balance >= $amount SET a.balance = a.balance - $amount RETURN a.balance AS b',
      { id: from, amount: 5 }, { tags: { name: 'debit' } });
    if (r.count === 0) return false; // not enough money: nothing to undo
    tx.run('MATCH (a:Account {id: $id}) SET a.balance = a.balance + $amount', { id: to, amount: 5 }, { tags: { name: 'credit' } });
    return true;
  }, { tags: { name: 'transfer' } });

  // A read transaction sees each account as last committed (read committed): balances
  // never go negative, though a sum over them taken while transfers commit may be off.
  const lowest = db.readTx((tx) => tx.run('MATCH (a:Account) RETURN min(a.balance) AS low').records[0].low,
    { tags: { name: 'audit' } });
  check({ moved, lowest }, {
    'transfer returns a boolean': (r) => typeof r.moved === 'boolean',
    'no balance goes negative': (r) => r.lowest >= 0,
  });
}

export function teardown(data) {
  // With every VU done, the total must be what setup put in.
  const total = db.read('MATCH (a:Account) RETURN sum(a.balance) AS total').records[0].total;
  check(total, { 'money is never created or lost': (t) => t === data.total });
  db.run('MATCH (a:Account) DETACH DELETE a');
}
