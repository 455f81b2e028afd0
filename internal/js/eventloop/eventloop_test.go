package eventloop

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/grafana/sobek"
)

// A module's work done on another goroutine comes back through RegisterCallback: the loop
// waits for it and runs its task on the loop, so a promise settled there is awaited.
func TestRegisteredCallbackKeepsTheLoopRunning(t *testing.T) {
	rt := sobek.New()
	l := New(rt)
	p, resolve, _ := rt.NewPromise()
	done := l.RegisterCallback()
	go func() {
		time.Sleep(30 * time.Millisecond)
		done(func() error { return resolve("from elsewhere") })
		done(func() error { t.Error("a second call ran"); return nil })
	}()
	v, err := l.Await(context.Background(), rt.ToValue(p))
	if err != nil || v.String() != "from elsewhere" {
		t.Fatalf("Await: %v, %v", v, err)
	}
}

// A callback registered in a call that ended (an error, a stop) does not run in the next.
func TestCallbacksOfAResetLoopAreDropped(t *testing.T) {
	rt := sobek.New()
	l := New(rt)
	done := l.RegisterCallback()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := l.Await(ctx, sobek.Undefined()); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Await with a callback that never comes: %v, want the context's end", err)
	}
	ran := false
	done(func() error { ran = true; return nil })
	if _, err := l.Await(context.Background(), sobek.Undefined()); err != nil || ran {
		t.Fatalf("after Reset: err %v, stale task ran %v", err, ran)
	}
}

func TestDelay(t *testing.T) {
	rt := sobek.New()
	for _, c := range []struct {
		in   sobek.Value
		want time.Duration
	}{
		{nil, 0}, {sobek.Undefined(), 0}, {sobek.Null(), 0}, {rt.ToValue(-5), 0},
		{rt.ToValue("abc"), 0}, {rt.ToValue(1.5), 1500 * time.Microsecond}, {rt.ToValue("20"), 20 * time.Millisecond},
	} {
		if got := Delay(c.in); got != c.want {
			t.Errorf("Delay(%v) = %s, want %s", c.in, got, c.want)
		}
	}
}
