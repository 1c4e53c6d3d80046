package devserver

import (
	"bytes"
	"context"
	"database/sql"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// A database file made before the cached_tokens, reasoning_tokens and conversation_id
// columns existed gains them on open, filled from the stored events.
func TestOldDatabaseUpgraded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	agent := agentTrace(t)
	// Store the events with today's code, then drop the newer columns: the file an earlier
	// version left.
	srv, err := New(Config{DBPath: path})
	if err != nil {
		t.Fatal(err)
	}
	ts := newHTTPTest(t, srv)
	if r := post(t, ts, bytes.NewReader(batchJSON(t, agent)), map[string]string{"Authorization": ""}); r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	ts.Close()
	srv.Close()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{`DROP INDEX events_conversation`, `ALTER TABLE events DROP COLUMN cached_tokens`,
		`ALTER TABLE events DROP COLUMN reasoning_tokens`, `ALTER TABLE events DROP COLUMN conversation_id`} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	db.Close()

	srv, err = New(Config{DBPath: path})
	if err != nil {
		t.Fatalf("opening the old file: %v", err)
	}
	defer srv.Close()
	list, err := srv.store.listTraces(context.Background(), traceFilter{ConversationID: "conv-heldout-7"})
	if err != nil || len(list) != 1 {
		t.Fatalf("list by conversation after the upgrade: %v %+v", err, list)
	}
	u := list[0].Usage
	if u.CachedTokens != 16 || u.ReasoningTokens != 10 || !strings.HasPrefix(list[0].ConversationID, "conv-heldout") {
		t.Fatalf("backfilled summary: %+v %+v", list[0], u)
	}
}
