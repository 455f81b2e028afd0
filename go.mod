module github.com/xk6-neo4j/xk6-neo4j

go 1.26.8

require (
	github.com/evanw/esbuild v0.28.2
	github.com/go-zeromq/zmq4 v0.17.0
	github.com/grafana/sobek v0.0.0-20260429085637-a66d4790012b
	github.com/neo4j/neo4j-go-driver/v5 v5.28.4
	github.com/spf13/pflag v1.1.0
	github.com/vmihailenco/msgpack/v5 v5.4.1
)

require (
	github.com/dlclark/regexp2 v1.12.0 // indirect
	github.com/go-sourcemap/sourcemap v2.1.4+incompatible // indirect
	github.com/go-zeromq/goczmq/v4 v4.2.2 // indirect
	github.com/google/pprof v0.0.0-20230207041349-798e818bf904 // indirect
	github.com/vmihailenco/tagparser/v2 v2.0.0 // indirect
	golang.org/x/sync v0.7.0 // indirect
	golang.org/x/sys v0.5.0 // indirect
	golang.org/x/text v0.15.0 // indirect
)
