package metrics

// k6BuiltinMetric is a metric k6 itself defines, with its type.
type k6BuiltinMetric struct {
	Type     MetricType
	Contains ValueType
}

// k6Builtins are the metrics k6 registers for its own protocols (HTTP, WebSocket, gRPC) and
// data counters. This tool never emits them, but a k6 script's thresholds often name them
// (`http_req_duration: ['p(95)<500']`); k6 accepts such a threshold, so it is accepted here
// and shows a metric with no samples instead of failing the options.
var k6Builtins = map[string]k6BuiltinMetric{
	"data_received":              {Counter, Data},
	"data_sent":                  {Counter, Data},
	"http_reqs":                  {Counter, Default},
	"http_req_failed":            {Rate, Default},
	"http_req_duration":          {Trend, Time},
	"http_req_blocked":           {Trend, Time},
	"http_req_connecting":        {Trend, Time},
	"http_req_tls_handshaking":   {Trend, Time},
	"http_req_sending":           {Trend, Time},
	"http_req_waiting":           {Trend, Time},
	"http_req_receiving":         {Trend, Time},
	"ws_sessions":                {Counter, Default},
	"ws_msgs_sent":               {Counter, Default},
	"ws_msgs_received":           {Counter, Default},
	"ws_ping":                    {Trend, Time},
	"ws_session_duration":        {Trend, Time},
	"ws_connecting":              {Trend, Time},
	"grpc_req_duration":          {Trend, Time},
	"grpc_streams":               {Counter, Default},
	"grpc_streams_msgs_sent":     {Counter, Default},
	"grpc_streams_msgs_received": {Counter, Default},
}

// RegisterK6Builtin registers name in r when it is one of k6's own metrics that this tool
// does not emit (http_req_duration and the like), and returns it; nil for any other name.
func RegisterK6Builtin(r *Registry, name string) *Metric {
	b, ok := k6Builtins[name]
	if !ok {
		return nil
	}
	m, err := r.NewMetric(name, b.Type, b.Contains)
	if err != nil {
		// The script made a metric of that name with another type: keep the script's.
		return nil
	}
	return m
}
