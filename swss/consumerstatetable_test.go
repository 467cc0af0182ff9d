package swss_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/swss"
	"github.com/vltgw/vltgw/swss/redistest"
)

// logBuffer is a concurrency-safe sink for a test logger.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestDelOfUnknownKey(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	app := srv.DB(swss.ApplDB)
	if err := swss.NewProducerStateTable(app, "T").Del(ctx, "never-set"); err != nil {
		t.Fatal(err)
	}
	cons, err := swss.NewConsumerStateTable(ctx, app, "T")
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close()
	got := popAll(t, ctx, cons, 1)
	if len(got) != 1 || got[0].Key != "never-set" || got[0].Op != swss.OpDel || len(got[0].Fields) != 0 {
		t.Fatalf("got %+v", got)
	}
	if n := srv.Client(0).DBSize(ctx).Val(); n != 0 {
		t.Fatalf("%d keys left after the pop", n)
	}
}

// Under a full key set one PopNow returns a bounded amount; the rest
// follows in later calls.
func TestPopNowIsBounded(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	app := srv.DB(swss.ApplDB)
	const n = 10000
	batch := make([]swss.KeyOpFieldValues, n)
	for i := range batch {
		batch[i] = swss.KeyOpFieldValues{Key: fmt.Sprint(i), Op: swss.OpSet, Fields: swss.FieldValues{{"a", "1"}}}
	}
	if err := swss.NewProducerStateTable(app, "T").Apply(ctx, batch); err != nil {
		t.Fatal(err)
	}
	cons, err := swss.NewConsumerStateTable(ctx, app, "T")
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close()
	first, err := cons.PopNow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) == 0 || len(first) >= n {
		t.Fatalf("first PopNow returned %d of %d", len(first), n)
	}
	seen := byKey(first)
	for len(seen) < n {
		more, err := cons.PopNow(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(more) == 0 {
			t.Fatalf("drained %d of %d", len(seen), n)
		}
		for k, v := range byKey(more) {
			seen[k] = v
		}
	}
}

func TestAppliedRowNotAHashIsSkipped(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	raw := srv.Client(0)
	app := srv.DB(swss.ApplDB)
	var logs logBuffer
	cons, err := swss.NewConsumerStateTable(ctx, app, "T", swss.WithLogger(zerolog.New(&logs)))
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close()
	raw.Set(ctx, "T:broken", "a string", 0)
	p := swss.NewProducerStateTable(app, "T")
	if err := p.Apply(ctx, []swss.KeyOpFieldValues{
		{Key: "broken", Op: swss.OpSet, Fields: swss.FieldValues{{"a", "1"}}},
		{Key: "fine", Op: swss.OpSet, Fields: swss.FieldValues{{"a", "1"}}},
	}); err != nil {
		t.Fatal(err)
	}
	got := byKey(popAll(t, ctx, cons, 1))
	if _, ok := got["broken"]; ok || got["fine"].Op != swss.OpSet {
		t.Fatalf("popped %+v", got)
	}
	if !strings.Contains(logs.String(), `"key":"broken"`) || !strings.Contains(logs.String(), "WRONGTYPE") {
		t.Fatalf("log does not name the key and reason: %s", logs.String())
	}
	if raw.Get(ctx, "T:broken").Val() != "a string" {
		t.Fatal("foreign row modified")
	}
	// Later entries still flow.
	if err := p.Set(ctx, "later", swss.FieldValues{{"b", "2"}}); err != nil {
		t.Fatal(err)
	}
	if got := popAll(t, ctx, cons, 1); got[0].Key != "later" {
		t.Fatalf("popped %+v", got)
	}
}

// A delete whose staging key was overwritten by something else still
// deletes the row and is delivered.
func TestDeleteWithForeignStagingKey(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	raw := srv.Client(0)
	app := srv.DB(swss.ApplDB)
	raw.HSet(ctx, "T:k", "a", "1")
	if err := swss.NewProducerStateTable(app, "T").Del(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	raw.Set(ctx, "_T:k", "foreign", 0)
	cons, err := swss.NewConsumerStateTable(ctx, app, "T")
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close()
	got := popAll(t, ctx, cons, 1)
	if len(got) != 1 || got[0].Op != swss.OpDel {
		t.Fatalf("got %+v", got)
	}
	if raw.Exists(ctx, "T:k").Val() != 0 {
		t.Fatal("row survived its delete")
	}
}

func TestPopsReturnsOnCancelAndClose(t *testing.T) {
	srv := redistest.Start(t)
	app := srv.DB(swss.ApplDB)
	ctx := ctxT(t)
	cons, err := swss.NewConsumerStateTable(ctx, app, "T", swss.WithPollInterval(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { _, err := cons.Pops(cctx); done <- err }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Pops after cancel: %v", err)
	}
	go func() { _, err := cons.Pops(ctx); done <- err }()
	time.Sleep(10 * time.Millisecond) // let it block (not needed for correctness)
	cons.Close()
	if err := <-done; err == nil {
		t.Fatal("Pops after Close returned no error")
	}
	if err := cons.Close(); err == nil {
		t.Fatal("second Close returned no error")
	}
}

// WithWholeRows pops the whole applied row of a SET; the data left in
// Redis is the same as a plain consumer leaves.
func TestWholeRows(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	app := srv.DB(swss.ApplDB)
	p := swss.NewProducerStateTable(app, "T")
	plain, err := swss.NewConsumerStateTable(ctx, app, "T")
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	whole, err := swss.NewConsumerStateTable(ctx, app, "T", swss.WithWholeRows())
	if err != nil {
		t.Fatal(err)
	}
	defer whole.Close()
	set := func(key string, kv ...string) {
		t.Helper()
		var fvs swss.FieldValues
		for i := 0; i < len(kv); i += 2 {
			fvs = append(fvs, swss.FieldValue{Field: kv[i], Value: kv[i+1]})
		}
		if err := p.Set(ctx, key, fvs); err != nil {
			t.Fatal(err)
		}
	}
	pop := func(c *swss.ConsumerStateTable) map[string]string {
		t.Helper()
		got := popAll(t, ctx, c, 1)
		if len(got) != 1 || got[0].Key != "k" {
			t.Fatalf("popped %+v", got)
		}
		if got[0].Op == swss.OpDel {
			return nil
		}
		return got[0].Fields.Map()
	}
	set("k", "a", "1")
	if got := pop(whole); len(got) != 1 || got["a"] != "1" {
		t.Fatalf("new row %v", got)
	}
	set("k", "b", "2")
	if got := pop(whole); len(got) != 2 || got["a"] != "1" || got["b"] != "2" {
		t.Fatalf("merged row %v", got)
	}
	set("k", "a", "3")
	if got := pop(plain); len(got) != 1 || got["a"] != "3" {
		t.Fatalf("plain consumer %v", got)
	}
	if err := p.Del(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	set("k", "c", "4")
	if got := pop(whole); len(got) != 1 || got["c"] != "4" {
		t.Fatalf("deleted then set %v", got)
	}
	if err := p.Del(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if got := pop(whole); got != nil {
		t.Fatalf("delete popped as %v", got)
	}
	if n := srv.Client(0).DBSize(ctx).Val(); n != 0 {
		t.Fatalf("%d keys left after the pops", n)
	}
}
