// constant-arrival-rate: 200 iterations a second for 10 seconds, however long each takes (an
// open model). iteration_start_delay shows how late iterations started against the schedule.
import neo4j from 'k6/x/neo4j';

export const options = {
  scenarios: {
    open: {
      executor: 'constant-arrival-rate',
      rate: 200,
      timeUnit: '1s',
      duration: '10s',
      preAllocatedVUs: 20,
      maxVUs: 50,
    },
  },
  // Margins for a loaded CI machine (2 cores, -race, other tests beside it): a few dozen
  // iterations dropped or late there are the machine, not the tool; 5% dropped or a 0.5 s
  // p(99) would be a finding.
  thresholds: {
    dropped_iterations: ['count<100'],
    iteration_start_delay: ['p(99)<500'],
  },
};

const db = neo4j.connect(__ENV.NEO4J_URI, { user: __ENV.NEO4J_USER || 'neo4j', password: __ENV.NEO4J_PASSWORD });

export default function () {
  db.read('RETURN 1', {}, { tags: { name: 'arrival' } });
}
