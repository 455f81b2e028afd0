package neo4j

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
	"github.com/xk6-neo4j/xk6-neo4j/modules/modulestest"
)

// bookmarkVUs makes VUs of one run, each connected as neo4j with the given bookmarks policy.
func bookmarkVUs(t *testing.T, root *RootModule, srv testenv.Neo4j, policies ...string) ([]*modulestest.VU, []*ModuleInstance) {
	t.Helper()
	vus := make([]*modulestest.VU, len(policies))
	mis := make([]*ModuleInstance, len(policies))
	for i, p := range policies {
		vu := modulestest.NewVU(t)
		mis[i] = vu.Import("neo4j", root).(*ModuleInstance)
		_ = vu.RT.Set("URI", srv.URI)
		_ = vu.RT.Set("PW", srv.Password)
		if _, err := vu.Run(`var db = neo4j.connect(URI, {password: PW, bookmarks: '` + p + `'})`); err != nil {
			t.Fatalf("connect: %v", err)
		}
		vu.MoveToVUContext()
		vus[i] = vu
	}
	return vus, mis
}

// openSessions counts the sessions the VU's clients keep open between calls.
func openSessions(mi *ModuleInstance) int {
	n := 0
	for _, c := range mi.clients {
		c.mu.Lock()
		n += len(c.sessions)
		c.mu.Unlock()
	}
	return n
}

// With bookmarks: 'shared', a VU reads what another VU wrote: the writer's bookmark goes to
// the identity's one bookmark manager, and the reader's next transaction waits for it. The
// proof that the reader sends the shared bookmarks: a bookmark put into the shared manager
// reaches the reader's transaction (the server refuses a malformed one), while VUs with
// 'vu' or 'none' never see it.
func TestSharedBookmarksGiveReadYourWritesAcrossVUs(t *testing.T) {
	srv := testenv.RequireNeo4j(t)
	root := New()
	vus, mis := bookmarkVUs(t, root, srv, BookmarksShared, BookmarksShared, BookmarksVU, BookmarksNone)
	t.Cleanup(func() { _ = root.Close() })
	writer, reader, own, none := vus[0], vus[1], vus[2], vus[3]
	mark := fmt.Sprintf("ryw-%d", time.Now().UnixNano())
	_ = writer.RT.Set("MARK", mark)
	_ = reader.RT.Set("MARK", mark)
	if _, err := writer.Run(`db.write('CREATE (:BookmarkProbe {mark: $m})', {m: MARK})`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = writer.Run(`db.write('MATCH (n:BookmarkProbe {mark: $m}) DELETE n', {m: MARK})`) })

	var entry *poolEntry
	root.pool.mu.Lock()
	for _, e := range root.pool.entries {
		entry = e
	}
	n := len(root.pool.entries)
	root.pool.mu.Unlock()
	if n != 1 || entry.bookmarks == nil {
		t.Fatalf("%d pool entries, shared bookmark manager %v: want one identity with a manager", n, entry.bookmarks)
	}
	ctx := context.Background()
	if bms, err := entry.bookmarks.GetBookmarks(ctx); err != nil || len(bms) == 0 {
		t.Fatalf("the shared manager holds no bookmark after the write (%v, %v)", bms, err)
	}
	v, err := reader.Run(`db.read('MATCH (n:BookmarkProbe {mark: $m}) RETURN count(n) AS c', {m: MARK}).records[0].c`)
	if err != nil || v.ToInteger() != 1 {
		t.Fatalf("the other VU read %v (%v), want the node the writer made", v, err)
	}

	if err := entry.bookmarks.UpdateBookmarks(ctx, nil, []string{"not-a-bookmark"}); err != nil {
		t.Fatal(err)
	}
	_, err = reader.Run(`db.run('RETURN 1')`) // a new session's (run()'s) first transaction
	if err == nil || !strings.Contains(err.Error(), "Bookmark") {
		t.Fatalf("a bookmark in the shared manager did not reach the other VU's transaction: %v", err)
	}
	for name, vu := range map[string]*modulestest.VU{"vu": own, "none": none} {
		if _, err := vu.Run(`db.read('RETURN 1'); db.run('RETURN 1')`); err != nil {
			t.Fatalf("bookmarks: '%s' got the shared manager's bookmark: %v", name, err)
		}
	}
	// 'vu' keeps its read and write sessions (and their bookmarks) between calls; 'none' has
	// a session per call and keeps none.
	if n := openSessions(mis[2]); n != 2 {
		t.Errorf("bookmarks: 'vu' keeps %d sessions open, want 2 (read and write)", n)
	}
	if n := openSessions(mis[3]); n != 0 {
		t.Errorf("bookmarks: 'none' keeps %d sessions open, want 0", n)
	}
}
