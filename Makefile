# The project's commands. `make demo` and `make test` are the two the README starts with.
.PHONY: demo test check build stop bench faults

demo:
	scripts/demo

test:
	scripts/test

# The fault and bad-input suite alone: it builds the binary and starts its own Neo4j on 7699.
faults:
	go test -count=1 -timeout 15m ./internal/faults/

build:
	go build -o bin/xk6-neo4j ./cmd/xk6-neo4j

check:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	go vet ./...
	go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

stop:
	NEO4J_PORT=7687 testenv/neo4j/stop
	NEO4J_PORT=7688 testenv/neo4j/stop
	NEO4J_PORT=7699 testenv/neo4j/stop  # the fault suite's, if a test run died before stopping it

bench:
	bench/compare
