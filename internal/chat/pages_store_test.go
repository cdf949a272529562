package chat_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/store/storetest"
)

// TestPagesKeptByOneReplicaAreReadByAnother: a list kept by one replica
// is shown by another (a page press behind a load balancer), to its
// owner only, until it expires; its secrets are never stored.
func TestPagesKeptByOneReplicaAreReadByAnother(t *testing.T) {
	ctx := context.Background()
	clock := &deliveryClock{t: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)}
	addr := storetest.Database(t)
	open := func() *chat.StoredPages {
		p, err := chat.OpenPages(ctx, storetest.Open(t, addr), clock.Now)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	one, two := open(), open()
	res := commands.Result{Title: "Servers", Text: "all of them", Notes: []string{"edis-fra did not answer"},
		Table:  &commands.Table{Columns: []string{"ID", "Name"}, Rows: [][]string{{"fra-101", "web-1"}, {"fra-102", "db-1"}}},
		Secret: []commands.Field{{Name: "root password", Value: "s3cret-Pa55"}}, Data: map[string]any{"x": 1}}
	token, err := one.Keep(ctx, "slack:T1:UALICE", res)
	if err != nil {
		t.Fatal(err)
	}
	got, ok, err := two.Get(ctx, token, "slack:T1:UALICE")
	want := commands.Result{Title: res.Title, Text: res.Text, Notes: res.Notes, Table: res.Table}
	if err != nil || !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("the other replica reads %+v, %v, %v; want %+v", got, ok, err, want)
	}
	if _, ok, _ := two.Get(ctx, token, "slack:T1:UMALLORY"); ok {
		t.Fatal("another person read the list")
	}
	if _, ok, _ := two.Get(ctx, "NOTATOKEN", "slack:T1:UALICE"); ok {
		t.Fatal("an unknown token read a list")
	}
	db := storetest.Open(t, addr)
	var stored string
	if err := db.QueryRowContext(ctx, `SELECT result FROM chat_pages WHERE token = ?`, token).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stored, "s3cret-Pa55") {
		t.Fatal("a secret of the result is stored with its pages")
	}
	clock.Advance(30 * time.Minute)
	if _, ok, _ := two.Get(ctx, token, "slack:T1:UALICE"); ok {
		t.Fatal("a list is shown past its 30 minutes")
	}
	// The next list kept prunes the expired one.
	if _, err := one.Keep(ctx, "slack:T1:UALICE", res); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM chat_pages WHERE token = ?`, token).Scan(&n); err != nil || n != 0 {
		t.Fatalf("the expired list is still stored (%d, %v)", n, err)
	}
}
