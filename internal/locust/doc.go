// Package locust makes an xk6-neo4j process a worker of a real Locust master (Locust 2.x).
//
// # The pieces
//
//   - [Message], [Encode] and [Decode]: the wire format, a msgpack array
//     [type, data, node_id] in one ZeroMQ frame.
//   - [Conn]: a ZeroMQ DEALER socket whose identity is the worker's node id, re-dialled with
//     the same identity when the master asks for it or the connection drops, until it is
//     back; Send fails with [ErrNotConnected] rather than drop a message silently.
//   - [Stats]: requests and errors aggregated the way Locust's own workers aggregate them
//     (response times in buckets by [ResponseTimeBucket], requests per second by unix
//     second), handed over as a delta every report. A report that cannot be sent (the
//     connection is down) is put back and merged into the next, so the master catches up
//     after a reconnect. Distinct names and failure rows are capped ([MaxNames],
//     [MaxErrors]); the rest count under [OtherName].
//   - [SampleConsumer]: an engine output that turns every neo4j query sample into a Locust
//     request: method = the query's mode tag, name = its name tag, a failure's error = its
//     Neo4j code.
//   - [Users]: the VUs that play the Locust user classes, each looping the script function
//     the class maps to ([ResolveExec]).
//   - [Worker]: the protocol's state machine: register, heartbeat, follow spawn targets,
//     report every few seconds, stop, quit, reconnect, and give up when the master has been
//     silent for longer than the master timeout.
//
// # Time and numbers on the wire
//
// Response times are milliseconds (floats); timestamps are unix seconds (floats); the
// per-second maps are keyed by whole unix seconds. Every report is a delta: what was
// measured since the previous one. Numbers from the master arrive as any msgpack integer or
// float type and are normalised on the way in.
//
// # Concurrency
//
// Stats, SampleConsumer, Users and Conn are safe for concurrent use. A Worker is run once.
package locust
