// operator.js: a test for runners started the k6-operator way (scripts/operator-sim does it
// here): archived once, then run by N processes, each with its segment of one sequence.
// Together they run exactly this test: the 120 shared iterations are split between them and
// so are the paced ones, tick by tick.
//
//   xk6-neo4j archive examples/operator.js -O test.tar -e NEO4J_URI=bolt://127.0.0.1:7687
//   xk6-neo4j inspect --execution-requirements test.tar     # maxVUs 16, totalDuration 1m30s
//   NEO4J_PASSWORD=... xk6-neo4j run --execution-segment=0:1/3 \
//       --execution-segment-sequence=0,1/3,2/3,1 --paused --address=127.0.0.1:6565 \
//       --tag instance_id=1 test.tar                      # and 1/3:2/3, 2/3:1 on other ports
//
// archive and inspect run the init code without dialling the server, so they need no
// password: only the runners get NEO4J_PASSWORD. internal/cmd's TestOperatorFlow runs this
// file and checks the figures in the comment above.
import neo4j from 'k6/x/neo4j';
import exec from 'k6/execution';

export const options = {
  scenarios: {
    shared: { executor: 'shared-iterations', vus: 6, iterations: 120, maxDuration: '60s' },
    paced: {
      executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '3s',
      preAllocatedVUs: 10, exec: 'paced',
    },
  },
};

const db = neo4j.connect(__ENV.NEO4J_URI || 'bolt://127.0.0.1:7687', {
  user: __ENV.NEO4J_USER || 'neo4j',
  password: __ENV.NEO4J_PASSWORD,
});

export default function () {
  db.read('RETURN $i AS i', { i: exec.scenario.iterationInTest }, { tags: { name: 'op-shared' } });
}

export function paced() {
  db.read('RETURN 1', {}, { tags: { name: 'op-paced' } });
}
