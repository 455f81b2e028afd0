package locust

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/vmihailenco/msgpack/v5"
)

// Message types, as Locust names them.
const (
	// worker -> master
	TypeClientReady      = "client_ready"
	TypeHeartbeat        = "heartbeat"
	TypeSpawning         = "spawning"
	TypeSpawningComplete = "spawning_complete"
	TypeStats            = "stats"
	TypeClientStopped    = "client_stopped"
	TypeQuit             = "quit"
	TypeException        = "exception"
	// master -> worker (besides heartbeat, quit and spawning_complete)
	TypeAck             = "ack"
	TypeSpawn           = "spawn"
	TypeStop            = "stop"
	TypeReconnect       = "reconnect"
	TypeUpdateUserClass = "update_user_class"
)

// Worker states in heartbeats. A master drops a worker that reports any other state from
// its count.
const (
	StateReady    = "ready"
	StateSpawning = "spawning"
	StateRunning  = "running"
)

// Message is one protocol message: [type, data, node_id] on the wire. NodeID must equal the
// ZeroMQ identity of the worker's socket.
type Message struct {
	Type   string
	Data   any
	NodeID string
}

// ErrMessage wraps every problem decoding a message.
var ErrMessage = errors.New("bad Locust message")

// Encode turns m into the msgpack body of one ZeroMQ frame.
func Encode(m Message) ([]byte, error) {
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	if err := enc.Encode([]any{m.Type, m.Data, m.NodeID}); err != nil {
		return nil, fmt.Errorf("encoding a %s message: %w", m.Type, err)
	}
	return buf.Bytes(), nil
}

// Decode reads a message body. Maps come back as map[string]any when every key is a
// string, else as map[any]any (Locust's per-second maps have integer keys); numbers keep
// whatever Go type msgpack gave them: read them with [Int] and [Float].
func Decode(b []byte) (Message, error) {
	dec := msgpack.NewDecoder(bytes.NewReader(b))
	dec.SetMapDecoder(func(d *msgpack.Decoder) (any, error) {
		m, err := d.DecodeUntypedMap()
		if err != nil {
			return nil, err
		}
		return normaliseMap(m), nil
	})
	v, err := dec.DecodeInterface()
	if err != nil {
		return Message{}, fmt.Errorf("%w: %w", ErrMessage, err)
	}
	arr, ok := v.([]any)
	if !ok || len(arr) != 3 {
		return Message{}, fmt.Errorf("%w: want an array [type, data, node_id], got %T", ErrMessage, v)
	}
	typ, ok := arr[0].(string)
	if !ok {
		return Message{}, fmt.Errorf("%w: the type is a %T, not a string", ErrMessage, arr[0])
	}
	node, ok := arr[2].(string)
	if !ok && arr[2] != nil {
		return Message{}, fmt.Errorf("%w: %s: the node id is a %T, not a string", ErrMessage, typ, arr[2])
	}
	return Message{Type: typ, Data: arr[1], NodeID: node}, nil
}

func normaliseMap(m map[any]any) any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		s, ok := k.(string)
		if !ok {
			return m
		}
		out[s] = v
	}
	return out
}

// Int reads a whole number that msgpack may have decoded as any integer or float type.
func Int(v any) (int64, bool) {
	switch x := v.(type) {
	case int8:
		return int64(x), true
	case int16:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case int:
		return int64(x), true
	case uint8:
		return int64(x), true
	case uint16:
		return int64(x), true
	case uint32:
		return int64(x), true
	case uint64:
		if x > math.MaxInt64 {
			return 0, false
		}
		return int64(x), true
	case uint:
		return int64(x), true
	case float32:
		return int64(x), float32(int64(x)) == x
	case float64:
		return int64(x), float64(int64(x)) == x
	}
	return 0, false
}

// Float reads a number of any msgpack numeric type.
func Float(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	}
	if i, ok := Int(v); ok {
		return float64(i), true
	}
	return 0, false
}

// Map reads a map with string keys (nil data reads as an empty map).
func Map(v any) (map[string]any, bool) {
	switch x := v.(type) {
	case map[string]any:
		return x, true
	case nil:
		return map[string]any{}, true
	case map[any]any:
		if len(x) == 0 {
			return map[string]any{}, true
		}
	}
	return nil, false
}

// Spawn is the data of a spawn message.
type Spawn struct {
	// Timestamp orders spawn messages: one not newer than the last accepted is stale.
	Timestamp float64
	// Users is the absolute number of users of each class this worker should run.
	Users map[string]int
	Host  string
	// StopTimeout is how long stopping users may finish their iteration (0: interrupt at
	// once).
	StopTimeout float64
}

// ParseSpawn reads a spawn message's data.
func ParseSpawn(data any) (Spawn, error) {
	m, ok := Map(data)
	if !ok {
		return Spawn{}, fmt.Errorf("%w: spawn: data is a %T, not a map", ErrMessage, data)
	}
	var s Spawn
	var errs []error
	if s.Timestamp, ok = Float(m["timestamp"]); !ok {
		errs = append(errs, fmt.Errorf("%w: spawn: timestamp %v is not a number", ErrMessage, m["timestamp"]))
	}
	users, ok := Map(m["user_classes_count"])
	if !ok {
		errs = append(errs, fmt.Errorf("%w: spawn: user_classes_count is a %T, not a map of class names", ErrMessage, m["user_classes_count"]))
	}
	s.Users = make(map[string]int, len(users))
	for cls, n := range users {
		i, ok := Int(n)
		if !ok || i < 0 {
			errs = append(errs, fmt.Errorf("%w: spawn: user_classes_count[%q] = %v is not a count", ErrMessage, cls, n))
			continue
		}
		s.Users[cls] = int(i)
	}
	s.Host, _ = m["host"].(string)
	if st := m["stop_timeout"]; st != nil {
		if s.StopTimeout, ok = Float(st); !ok || s.StopTimeout < 0 {
			errs = append(errs, fmt.Errorf("%w: spawn: stop_timeout %v is not a number of seconds", ErrMessage, st))
		}
	}
	return s, errors.Join(errs...)
}

// Ack is the data of an ack message.
type Ack struct{ Index int }

// ParseAck reads an ack message's data.
func ParseAck(data any) (Ack, error) {
	m, ok := Map(data)
	if !ok {
		return Ack{}, fmt.Errorf("%w: ack: data is a %T, not a map", ErrMessage, data)
	}
	i, ok := Int(m["index"])
	if !ok {
		return Ack{}, fmt.Errorf("%w: ack: index %v is not a number", ErrMessage, m["index"])
	}
	return Ack{Index: int(i)}, nil
}

// HeartbeatData is what a worker's heartbeat carries.
func HeartbeatData(state string, cpuPercent float64, memoryBytes uint64) map[string]any {
	return map[string]any{"state": state, "current_cpu_usage": cpuPercent, "current_memory_usage": memoryBytes}
}

// SpawningCompleteData is what spawning_complete carries: the users now running.
func SpawningCompleteData(users map[string]int) map[string]any {
	return map[string]any{"user_classes_count": users, "user_count": sum(users)}
}

// ExceptionData is what an exception message carries.
func ExceptionData(msg, traceback string) map[string]any {
	return map[string]any{"msg": msg, "traceback": traceback}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
