// profile.js: query plans and db hits. Every named query gets its plan once, from an EXPLAIN
// run in the background (nothing executed, nothing counted); `profile` runs a share of calls
// as PROFILE instead of the plain query (once, same records), adding neo4j_db_hits and
// neo4j_rows and keeping the slowest profiled call's plan per query.
//
//   NEO4J_URI=bolt://127.0.0.1:7687 NEO4J_PASSWORD=... xk6-neo4j run examples/profile.js
import neo4j from 'k6/x/neo4j';
import { textSummary } from 'https://jslib.k6.io/k6-summary/0.0.2/index.js';

export const options = {
  vus: 4,
  duration: '10s',
  // Thresholds work on profile metrics like on any other (here per query name).
  thresholds: { 'neo4j_db_hits{name:people-by-prefix}': ['max<5000'] },
};

// profile: 0.01 at connect: about one call in a hundred of this client runs as PROFILE,
// picked at random over all its queries (the cost is measured in bench/profile).
const db = neo4j.connect(__ENV.NEO4J_URI || 'bolt://127.0.0.1:7687', {
  user: __ENV.NEO4J_USER || 'neo4j',
  password: __ENV.NEO4J_PASSWORD,
  profile: 0.01,
});

const PEOPLE = 200;

export function setup() {
  db.run('CREATE INDEX person_id IF NOT EXISTS FOR (p:Person) ON (p.id)', {}, { tags: { name: 'index' } });
  db.write('UNWIND range(1, $n) AS id MERGE (p:Person {id: id}) SET p.name = "person-" + id',
    { n: PEOPLE }, { tags: { name: 'seed-people' } });
}

export default function () {
  const id = Math.floor(Math.random() * PEOPLE) + 1;
  // Under connect()'s profile: 0.01.
  db.read('MATCH (p:Person {id: $id}) RETURN p.name AS name', { id }, { tags: { name: 'person-by-id' } });
  // profile: 1 on the call: every call of this one runs as PROFILE (a call's own share wins).
  db.read('MATCH (p:Person) WHERE p.name STARTS WITH $prefix RETURN count(p) AS n',
    { prefix: 'person-1' }, { tags: { name: 'people-by-prefix' }, profile: 1 });
}

// One line per operator, indented under the operator it feeds.
function planLines(node, depth, lines) {
  const hits = node.dbHits === undefined ? '' : `, ${node.dbHits} db hits, ${node.rows} rows`;
  const details = node.details ? ` ${node.details}` : '';
  lines.push(`${'  '.repeat(depth)}${node.operator}${details} (est. ${node.estimatedRows} rows${hits})`);
  node.children.forEach((c) => planLines(c, depth + 1, lines));
  return lines;
}

export function handleSummary(data) {
  let plans = '';
  // data.neo4j is what the module learned: servers tested, and per query name its plan,
  // how many calls ran as PROFILE and the slowest of them.
  const queries = (data.neo4j && data.neo4j.queries) || {};
  for (const name of ['person-by-id', 'people-by-prefix']) {
    const q = queries[name];
    if (!q) continue;
    plans += `\n${name}: ${q.profiled} profiled call(s)\n`;
    if (q.plan) plans += planLines(q.plan, 1, []).join('\n') + '\n';
    if (q.planError) plans += `  no plan: ${q.planError}\n`;
    if (q.slowestProfile) {
      plans += `  slowest profiled call: ${q.slowestProfile.durationMs.toFixed(2)} ms, ${q.slowestProfile.dbHits} db hits\n`;
      plans += planLines(q.slowestProfile.plan, 2, []).join('\n') + '\n';
    }
  }
  return { stdout: textSummary(data, { indent: ' ', enableColors: false }) + plans };
}
