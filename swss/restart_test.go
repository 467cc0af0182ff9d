package swss_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/vltgw/vltgw/swss"
	"github.com/vltgw/vltgw/swss/redistest"
)

// retry calls f until it succeeds; errors are expected while Redis restarts.
func retry(t *testing.T, ctx context.Context, what string, f func() error) {
	t.Helper()
	for {
		err := f()
		if err == nil {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("%s never succeeded: %v", what, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// After a restart the consumer pops as soon as go-redis has re-subscribed,
// without waiting for its (here: hour-long) poll.
func TestStateConsumerWakesOnResubscribe(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	app := srv.DB(swss.ApplDB)
	cons, err := swss.NewConsumerStateTable(ctx, app, "T", swss.WithPollInterval(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close()
	p := swss.NewProducerStateTable(app, "T")
	srv.Restart()
	// The producer's script cache is gone with the old server: Apply
	// reloads it.
	retry(t, ctx, "producer set", func() error { return p.Set(ctx, "after", swss.FieldValues{{"b", "2"}}) })
	var got []swss.KeyOpFieldValues
	retry(t, ctx, "consumer pop", func() (err error) { got, err = cons.Pops(ctx); return err })
	if len(got) != 1 || got[0].Key != "after" {
		t.Fatalf("after restart got %+v", got)
	}
}

func TestQueueConsumerSurvivesRestart(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	asic := srv.DB(swss.AsicDB)
	cons, err := swss.NewConsumerTable(ctx, asic, "ASIC_STATE", swss.WithPollInterval(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close()
	p := swss.NewProducerTable(asic, "ASIC_STATE")
	srv.Restart()
	retry(t, ctx, "enqueue", func() error {
		return p.Send(ctx, []swss.QueueEntry{
			{Key: "SAI_OBJECT_TYPE_VLAN:oid:0x26000000000001", Op: "create", Fields: swss.FieldValues{{"SAI_VLAN_ATTR_VLAN_ID", "10"}}},
			{Key: "SAI_OBJECT_TYPE_VLAN:oid:0x26000000000002", Op: "create", Fields: swss.FieldValues{{"SAI_VLAN_ATTR_VLAN_ID", "20"}}},
		})
	})
	var got []swss.KeyOpFieldValues
	for len(got) < 2 {
		var out []swss.KeyOpFieldValues
		retry(t, ctx, "queue pop", func() (err error) { out, err = cons.Pops(ctx); return err })
		got = append(got, out...)
	}
	if got[0].Key != "SAI_OBJECT_TYPE_VLAN:oid:0x26000000000001" || got[1].Key != "SAI_OBJECT_TYPE_VLAN:oid:0x26000000000002" {
		t.Fatalf("after restart got %+v", got)
	}
}

// Keyspace events fired while the subscriber was disconnected are lost;
// the subscriber re-reads the table and reports what changed meanwhile.
func TestSubscriberResyncsAfterRestart(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	cfg := srv.DB(swss.ConfigDB)
	raw := srv.Client(4)
	raw.HSet(ctx, "VLAN|Vlan10", "vlanid", "10")
	raw.HSet(ctx, "VLAN|Vlan20", "vlanid", "20")
	s, err := swss.NewSubscriberStateTable(ctx, cfg, "VLAN")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if dump := popAll(t, ctx, s, 2); len(dump) != 2 {
		t.Fatalf("dump %+v", dump)
	}
	srv.Restart() // a fresh, empty server: both rows are gone
	raw = srv.Client(4)
	retry(t, ctx, "hset", func() error { return raw.HSet(ctx, "VLAN|Vlan30", "vlanid", "30").Err() })
	state := map[string]string{"Vlan10": swss.OpSet, "Vlan20": swss.OpSet}
	for state["Vlan10"] != swss.OpDel || state["Vlan20"] != swss.OpDel || state["Vlan30"] != swss.OpSet {
		var out []swss.KeyOpFieldValues
		retry(t, ctx, "subscriber pop", func() (err error) { out, err = s.Pops(ctx); return err })
		for _, e := range out {
			state[e.Key] = e.Op
		}
	}
	// Live events flow again after the resync.
	raw.HSet(ctx, "VLAN|Vlan40", "vlanid", "40")
	for state["Vlan40"] != swss.OpSet {
		out, err := s.Pops(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range out {
			state[e.Key] = e.Op
		}
	}
}

func TestNotificationConsumerSurvivesRestart(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	asic := srv.DB(swss.AsicDB)
	c, err := swss.NewNotificationConsumer(ctx, asic, "NOTIFICATIONS")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	srv.Restart()
	// Publishes before the re-subscription are lost (pub/sub); keep
	// publishing until one arrives.
	pctx, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		p := swss.NewNotificationProducer(asic, "NOTIFICATIONS")
		for pctx.Err() == nil {
			p.Send(pctx, swss.Notification{Op: "port_state_change", Data: "[]"})
			time.Sleep(20 * time.Millisecond)
		}
	}()
	n, err := c.Pop(ctx)
	if err != nil || n.Op != "port_state_change" {
		t.Fatalf("after restart: %+v %v", n, err)
	}
}

// Every consumer's goroutines end with Close.
func TestNoGoroutineLeak(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	app, asic, cfg := srv.DB(swss.ApplDB), srv.DB(swss.AsicDB), srv.DB(swss.ConfigDB)
	app.Client.Ping(ctx)
	base := runtime.NumGoroutine()
	for i := 0; i < 3; i++ {
		cst, err := swss.NewConsumerStateTable(ctx, app, "T")
		if err != nil {
			t.Fatal(err)
		}
		ct, err := swss.NewConsumerTable(ctx, asic, "Q")
		if err != nil {
			t.Fatal(err)
		}
		sst, err := swss.NewSubscriberStateTable(ctx, cfg, "VLAN")
		if err != nil {
			t.Fatal(err)
		}
		nc, err := swss.NewNotificationConsumer(ctx, asic, "NOTIFICATIONS")
		if err != nil {
			t.Fatal(err)
		}
		// Leave messages unread in every receiver, then close.
		swss.NewProducerStateTable(app, "T").Set(ctx, "k", swss.FieldValues{{"a", "1"}})
		swss.NewProducerTable(asic, "Q").Set(ctx, "k", nil, "create")
		srv.Client(4).HSet(ctx, "VLAN|Vlan1", "vlanid", "1")
		swss.NewNotificationProducer(asic, "NOTIFICATIONS").Send(ctx, swss.Notification{Op: "x"})
		for _, c := range []interface{ Close() error }{cst, ct, sst, nc} {
			c.Close()
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, %d before:\n%s", runtime.NumGoroutine(), base, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}
