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
// # The conversation
//
// A worker dials the master's port and sends client_ready until an ack gives it an index
// (AckTimeout apart, for up to ConnectTimeout). From then on it sends a heartbeat every
// second carrying its state (ready, spawning, running) and CPU use, and a stats report
// every three seconds. The master drives it with spawn (how many users of each class),
// stop (end the users, then answer client_stopped), quit (end the users and leave),
// reconnect (register again with the same identity) and its own heartbeats. A worker that
// leaves on its own (Ctrl-C, an abortOnFail threshold) sends quit itself. A worker reports
// spawning when it starts users and spawning_complete when the target is reached, and sends
// an exception message, once each, for a problem of its own (not a failed request), which
// the master shows in its exceptions tab. A master that has been silent for MasterTimeout (60 s, as Locust's
// own workers wait) is taken to be gone: the users stop and Run returns [ErrMasterGone].
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
