// Package faults_test runs the built xk6-neo4j binary the way a user does, against things
// going wrong: bad scripts, flags and options (badinput_test.go), and a Neo4j that is
// killed, frozen, black-holed or refuses, Ctrl-C in every phase and an output that never
// drains (faults_test.go). Each case asserts the exit code, the messages, the counts and the
// files, and that no password and no Go stack trace ever reaches the user.
package faults_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var (
	binary string
	// refusedAddr is a loopback port nothing listens on: dials are refused at once.
	refusedAddr string
	// blackholeAddr accepts TCP connections and never answers a byte.
	blackholeAddr string
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "xk6-neo4j-faults")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer os.RemoveAll(dir)
	// The binary as users get it: plain go build (not -race), so signal timings are real.
	// XK6_NEO4J_BINARY runs the suite against another build instead (a release, an older
	// commit to see which cases it fails).
	if binary = os.Getenv("XK6_NEO4J_BINARY"); binary == "" {
		binary = filepath.Join(dir, "xk6-neo4j")
		build := exec.Command("go", "build", "-o", binary, "../../cmd/xk6-neo4j")
		build.Stdout, build.Stderr = os.Stdout, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "building xk6-neo4j:", err)
			return 2
		}
	}

	// A port that was free a moment ago: closed again, so connections are refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	refusedAddr = l.Addr().String()
	_ = l.Close()

	bh, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	blackholeAddr = bh.Addr().String()
	var held sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	held.Add(1)
	go func() { // accept and hold: the client's handshake waits for ever
		defer held.Done()
		for {
			c, err := bh.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	defer func() {
		_ = bh.Close()
		held.Wait()
		mu.Lock()
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
	}()
	return m.Run()
}
