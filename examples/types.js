// types.js: parameters and values of every kind, there and back. Integers beyond 2^53 are
// BigInt; temporal and spatial values keep their nanoseconds, offsets and zones.
import neo4j from 'k6/x/neo4j';
import { check } from 'k6';

const db = neo4j.connect(__ENV.NEO4J_URI, { user: __ENV.NEO4J_USER || 'neo4j', password: __ENV.NEO4J_PASSWORD });
const T = neo4j.types;

export default function () {
  const params = {
    big: neo4j.int('9223372036854775807'),
    ratio: neo4j.float(2), // a FLOAT, though integral
    when: T.dateTime(2024, 7, 1, 12, 30, 0, 123456789, 7200, 'Europe/Berlin'),
    day: T.date(2024, 2, 29),
    span: T.duration({ months: 1, days: 2, seconds: 3, nanoseconds: 4 }),
    where: T.point(4326, 12.57, 55.68),
    bytes: new Uint8Array([1, 2, 3]),
    tags: ['a', 'b'],
  };
  const r = db.read(`RETURN $big AS big, $big - 1 AS less, valueType($ratio) AS ratioType, $when AS when,
      $when.nanosecond AS ns, $day + duration('P1D') AS nextDay, $span AS span, $where.srid AS srid,
      size($bytes) AS nbytes, $tags AS tags, date('2024-01-31') AS d, 2^60 AS huge`, params, { tags: { name: 'types' } });
  const x = r.records[0];
  check(x, {
    'int64 max comes back exactly': (x) => x.big === 9223372036854775807n && x.less === 9223372036854775806n,
    'neo4j.float sends a FLOAT': (x) => x.ratioType === 'FLOAT NOT NULL',
    'zoned datetime keeps its zone and nanoseconds': (x) => x.when.timeZoneId === 'Europe/Berlin' && x.ns === 123456789 &&
      String(x.when) === '2024-07-01T12:30:00.123456789+02:00[Europe/Berlin]',
    'date arithmetic on the server': (x) => String(x.nextDay) === '2024-03-01',
    'duration parts kept apart': (x) => x.span.months === 1 && x.span.days === 2 && x.span.nanoseconds === 4,
    'WGS-84 point': (x) => x.srid === 4326,
    'bytes': (x) => x.nbytes === 3,
    'lists': (x) => x.tags.join() === 'a,b',
    'Cypher date to JS': (x) => x.d.year === 2024 && x.d.month === 1 && x.d.day === 31,
    'a float stays a number': (x) => typeof x.huge === 'number',
  });
}
