package locust

import (
	"encoding/hex"
	"errors"
	"reflect"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

// Bodies as a Locust 2.47 master serialises them (Message(...).serialize().hex()), node id "w1".
var fromMaster = map[string]string{
	"ack":               "93a361636b81a5696e64657803a27731",
	"spawn":             "93a5737061776e85a974696d657374616d70cb41da4988be100000b2757365725f636c61737365735f636f756e7482a8526561645573657203a957726974655573657200a4686f7374a0ac73746f705f74696d656f7574c0ae7061727365645f6f7074696f6e7384a96e756d5f757365727314aa737061776e5f72617465cb4024000000000000a47461677390ac6578636c7564655f74616773c0a27731",
	"spawn int stamp":   "93a5737061776e85a974696d657374616d70ce692622f9b2757365725f636c61737365735f636f756e7481a85265616455736572cd012ca4686f7374a8626f6c743a2f2f78ac73746f705f74696d656f7574cb4004000000000000ae7061727365645f6f7074696f6e7380a27731",
	"stop":              "93a473746f70c0a27731",
	"heartbeat":         "93a9686561727462656174c0a27731",
	"quit":              "93a471756974c0a27731",
	"reconnect":         "93a97265636f6e6e656374c0a27731",
	"spawning_complete": "93b1737061776e696e675f636f6d706c65746581aa757365725f636f756e7414a27731",
}

func decodeHex(t *testing.T, s string) Message {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Decode(b)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if m.NodeID != "w1" {
		t.Fatalf("node id %q", m.NodeID)
	}
	return m
}

func TestDecodeMasterMessages(t *testing.T) {
	for name, body := range fromMaster {
		t.Run(name, func(t *testing.T) {
			m := decodeHex(t, body)
			switch name {
			case "ack":
				a, err := ParseAck(m.Data)
				if err != nil || a.Index != 3 {
					t.Fatalf("ack %+v, %v", a, err)
				}
			case "spawn":
				s, err := ParseSpawn(m.Data)
				if err != nil {
					t.Fatal(err)
				}
				want := Spawn{Timestamp: 1764107000.25, Users: map[string]int{"ReadUser": 3, "WriteUser": 0}}
				if !reflect.DeepEqual(s, want) {
					t.Fatalf("got %+v, want %+v", s, want)
				}
			case "spawn int stamp":
				s, err := ParseSpawn(m.Data)
				if err != nil {
					t.Fatal(err)
				}
				want := Spawn{Timestamp: 1764107001, Users: map[string]int{"ReadUser": 300}, Host: "bolt://x", StopTimeout: 2.5}
				if !reflect.DeepEqual(s, want) {
					t.Fatalf("got %+v, want %+v", s, want)
				}
			case "spawning_complete":
				d, ok := Map(m.Data)
				if n, _ := Int(d["user_count"]); !ok || n != 20 {
					t.Fatalf("data %#v", m.Data)
				}
			default:
				if m.Type != name || m.Data != nil {
					t.Fatalf("got %+v", m)
				}
			}
		})
	}
}

// Every message a worker sends comes back as sent: a 3-element array, the type, the data
// with Locust's keys, our node id.
func TestEncodeWorkerMessagesRoundTrip(t *testing.T) {
	st := NewStats(fixedClock(1764107000))
	st.Request("read", "person-by-id", 12.5, 1, at(1764107000.5), "")
	st.Request("write", "bad", 250, 0, at(1764107001.2), "Neo.ClientError.Statement.SyntaxError")
	report := st.Take().Data(map[string]int{"ReadUser": 2})
	cases := []struct {
		typ  string
		data any
		want any // as decoded; nil means data itself
	}{
		{TypeClientReady, -1, int8(-1)},
		{TypeHeartbeat, HeartbeatData(StateRunning, 12.5, 1<<30), map[string]any{"state": "running", "current_cpu_usage": 12.5, "current_memory_usage": uint32(1 << 30)}},
		{TypeSpawning, nil, nil},
		{TypeSpawningComplete, SpawningCompleteData(map[string]int{"A": 2, "B": 0}), map[string]any{"user_classes_count": map[string]any{"A": int8(2), "B": int8(0)}, "user_count": int8(2)}},
		{TypeClientStopped, nil, nil},
		{TypeQuit, nil, nil},
		{TypeException, ExceptionData("boom", "at x.js:1"), map[string]any{"msg": "boom", "traceback": "at x.js:1"}},
	}
	for _, c := range cases {
		t.Run(c.typ, func(t *testing.T) {
			b, err := Encode(Message{Type: c.typ, Data: c.data, NodeID: "host_abc"})
			if err != nil {
				t.Fatal(err)
			}
			if b[0] != 0x93 {
				t.Fatalf("not a 3-element array: first byte %#x", b[0])
			}
			m, err := Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			if m.Type != c.typ || m.NodeID != "host_abc" {
				t.Fatalf("got %+v", m)
			}
			if !reflect.DeepEqual(normaliseInts(m.Data), normaliseInts(c.want)) {
				t.Fatalf("data\n got %#v\nwant %#v", m.Data, c.want)
			}
		})
	}
	t.Run("stats", func(t *testing.T) {
		b, err := Encode(Message{Type: TypeStats, Data: report, NodeID: "host_abc"})
		if err != nil {
			t.Fatal(err)
		}
		m, err := Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		d, _ := Map(m.Data)
		for _, k := range []string{"stats", "stats_total", "errors", "user_classes_count", "user_count"} {
			if _, ok := d[k]; !ok {
				t.Errorf("stats data lacks %q", k)
			}
		}
		entries := d["stats"].([]any)
		if len(entries) != 2 {
			t.Fatalf("%d entries", len(entries))
		}
		e := entries[0].(map[string]any)
		if e["name"] != "bad" || e["method"] != "write" {
			t.Fatalf("first entry %v", e)
		}
		if n, _ := Int(e["num_failures"]); n != 1 {
			t.Fatalf("num_failures %v", e["num_failures"])
		}
		// Per-second and bucket maps keep integer keys.
		rps := e["num_reqs_per_sec"].(map[any]any)
		if n, _ := Int(rps[int64(1764107001)]); n != 1 {
			t.Fatalf("num_reqs_per_sec %#v", rps)
		}
		rt := e["response_times"].(map[any]any)
		if n, _ := Int(rt[int64(250)]); n != 1 {
			t.Fatalf("response_times %#v", rt)
		}
		errs := d["errors"].(map[string]any)
		key := ErrorKey("write", "bad", "Neo.ClientError.Statement.SyntaxError")
		if ee, ok := errs[key].(map[string]any); !ok || ee["error"] != "Neo.ClientError.Statement.SyntaxError" {
			t.Fatalf("errors %#v", errs)
		}
		tot := d["stats_total"].(map[string]any)
		if tot["name"] != "Aggregated" || tot["method"] != "" {
			t.Fatalf("stats_total %v", tot)
		}
	})
}

// The entry's keys go out in the order Locust serialises them.
func TestEntryKeyOrder(t *testing.T) {
	b, err := msgpack.Marshal(newEntry("n", "read", at(1)))
	if err != nil {
		t.Fatal(err)
	}
	dec := msgpack.NewDecoder(bytesReader(b))
	n, err := dec.DecodeMapLen()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for range n {
		k, _ := dec.DecodeString()
		keys = append(keys, k)
		_ = dec.Skip()
	}
	want := []string{"name", "method", "last_request_timestamp", "start_time", "num_requests", "num_none_requests",
		"num_failures", "total_response_time", "max_response_time", "min_response_time", "total_content_length",
		"response_times", "num_reqs_per_sec", "num_fail_per_sec"}
	if !reflect.DeepEqual(keys, want) {
		t.Fatalf("keys\n got %v\nwant %v", keys, want)
	}
}

func TestDecodeRejects(t *testing.T) {
	for name, v := range map[string]any{
		"not an array":    map[string]any{"type": "ack"},
		"two elements":    []any{"ack", nil},
		"type not string": []any{1, nil, "w"},
		"node not string": []any{"ack", nil, 7},
	} {
		t.Run(name, func(t *testing.T) {
			b, _ := msgpack.Marshal(v)
			if _, err := Decode(b); !errors.Is(err, ErrMessage) {
				t.Fatalf("got %v, want ErrMessage", err)
			}
		})
	}
	if _, err := Decode([]byte{0xc1}); !errors.Is(err, ErrMessage) {
		t.Fatalf("garbage: got %v", err)
	}
}

func TestParseSpawnRejects(t *testing.T) {
	for name, data := range map[string]any{
		"not a map":      "x",
		"no timestamp":   map[string]any{"user_classes_count": map[string]any{}},
		"negative count": map[string]any{"timestamp": 1.0, "user_classes_count": map[string]any{"A": int64(-1)}},
		"count not num":  map[string]any{"timestamp": 1.0, "user_classes_count": map[string]any{"A": "3"}},
		"classes list":   map[string]any{"timestamp": 1.0, "user_classes_count": []any{"A"}},
		"bad timeout":    map[string]any{"timestamp": 1.0, "user_classes_count": map[string]any{}, "stop_timeout": "soon"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseSpawn(data); !errors.Is(err, ErrMessage) {
				t.Fatalf("got %v, want ErrMessage", err)
			}
		})
	}
}

func TestNumbers(t *testing.T) {
	for _, v := range []any{int8(5), int16(5), int32(5), int64(5), int(5), uint8(5), uint16(5), uint32(5), uint64(5), uint(5), float32(5), 5.0} {
		if i, ok := Int(v); !ok || i != 5 {
			t.Errorf("Int(%T) = %d, %v", v, i, ok)
		}
		if f, ok := Float(v); !ok || f != 5 {
			t.Errorf("Float(%T) = %g, %v", v, f, ok)
		}
	}
	if _, ok := Int(5.5); ok {
		t.Error("Int(5.5) is not whole")
	}
	if _, ok := Int(uint64(1) << 63); ok {
		t.Error("Int(2^63) overflows")
	}
	if _, ok := Float("5"); ok {
		t.Error("Float of a string")
	}
}

// normaliseInts turns every integer into int64, whatever width msgpack chose.
func normaliseInts(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = normaliseInts(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normaliseInts(e)
		}
		return out
	case float64, float32, string, nil, bool:
		return x
	}
	if i, ok := Int(v); ok {
		return i
	}
	return v
}
