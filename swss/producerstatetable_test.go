package swss_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vltgw/vltgw/swss"
	"github.com/vltgw/vltgw/swss/redistest"
)

// cppConsumerPop pops the way swss-common's consumer_state_table_pops.lua
// does, step by step with raw commands (not our script): SPOP, SREM of the
// del set ⇒ DEL of the row, HGETALL of the stage, HSET into the row, DEL of
// the stage; no staged fields ⇒ DEL.
func cppConsumerPop(t *testing.T, ctx context.Context, c *redis.Client, table string) map[string]swss.KeyOpFieldValues {
	t.Helper()
	out := map[string]swss.KeyOpFieldValues{}
	keys, err := c.SPopN(ctx, table+"_KEY_SET", 128).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		row, stage := table+":"+k, "_"+table+":"+k
		if c.SRem(ctx, table+"_DEL_SET", k).Val() == 1 {
			c.Del(ctx, row)
		}
		m := c.HGetAll(ctx, stage).Val()
		for f, v := range m {
			c.HSet(ctx, row, f, v)
		}
		c.Del(ctx, stage)
		e := swss.KeyOpFieldValues{Key: k, Op: swss.OpDel}
		if len(m) > 0 {
			e = swss.KeyOpFieldValues{Key: k, Op: swss.OpSet, Fields: swss.FieldValuesFromMap(m)}
		}
		out[k] = e
	}
	return out
}

func TestSwssCommonConsumerReadsOurProducer(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	raw := srv.Client(0)
	p := swss.NewProducerStateTable(srv.DB(swss.ApplDB), "NEIGH_TABLE")
	key := "Vlan10:10.0.0.1" // contains the separator
	if err := p.Apply(ctx, []swss.KeyOpFieldValues{
		{Key: key, Op: swss.OpSet, Fields: swss.FieldValues{{"neigh", "00:01:e8:00:00:01"}, {"family", "IPv4"}}},
		{Key: "Vlan10:10.0.0.2", Op: swss.OpSet, Fields: swss.FieldValues{{"neigh", "00:01:e8:00:00:02"}}},
	}); err != nil {
		t.Fatal(err)
	}
	got := cppConsumerPop(t, ctx, raw, "NEIGH_TABLE")
	want := map[string]swss.KeyOpFieldValues{
		key:               {Key: key, Op: swss.OpSet, Fields: swss.FieldValues{{"family", "IPv4"}, {"neigh", "00:01:e8:00:00:01"}}},
		"Vlan10:10.0.0.2": {Key: "Vlan10:10.0.0.2", Op: swss.OpSet, Fields: swss.FieldValues{{"neigh", "00:01:e8:00:00:02"}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("C++-style pop = %+v\nwant %+v", got, want)
	}
	if err := p.Del(ctx, key); err != nil {
		t.Fatal(err)
	}
	got = cppConsumerPop(t, ctx, raw, "NEIGH_TABLE")
	if got[key].Op != swss.OpDel || raw.Exists(ctx, "NEIGH_TABLE:"+key).Val() != 0 {
		t.Fatalf("delete popped %+v; row exists %d", got, raw.Exists(ctx, "NEIGH_TABLE:"+key).Val())
	}
}

func TestProducerBatchOrderWithinOneCall(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	raw := srv.Client(0)
	p := swss.NewProducerStateTable(srv.DB(swss.ApplDB), "T")
	// DEL then SET of a key in one batch keeps the new fields; SET then DEL
	// drops them.
	if err := p.Apply(ctx, []swss.KeyOpFieldValues{
		{Key: "a", Op: swss.OpDel},
		{Key: "a", Op: swss.OpSet, Fields: swss.FieldValues{{"x", "1"}}},
		{Key: "b", Op: swss.OpSet, Fields: swss.FieldValues{{"y", "2"}}},
		{Key: "b", Op: swss.OpDel},
	}); err != nil {
		t.Fatal(err)
	}
	if got := raw.HGetAll(ctx, "_T:a").Val(); !reflect.DeepEqual(got, map[string]string{"x": "1"}) {
		t.Fatalf("_T:a = %v", got)
	}
	if raw.Exists(ctx, "_T:b").Val() != 0 {
		t.Fatal("_T:b survived SET then DEL")
	}
	if got := raw.SMembers(ctx, "T_DEL_SET").Val(); len(got) != 2 {
		t.Fatalf("T_DEL_SET = %v", got)
	}
	raw.HSet(ctx, "T:a", "old", "gone")
	cons, err := swss.NewConsumerStateTable(ctx, srv.DB(swss.ApplDB), "T")
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close()
	got := byKey(popAll(t, ctx, cons, 2))
	if got["a"].Op != swss.OpSet || !reflect.DeepEqual(got["a"].Fields, swss.FieldValues{{"x", "1"}}) || got["b"].Op != swss.OpDel {
		t.Fatalf("popped %+v", got)
	}
	if m := raw.HGetAll(ctx, "T:a").Val(); !reflect.DeepEqual(m, map[string]string{"x": "1"}) {
		t.Fatalf("T:a after delete+set = %v", m)
	}
}

func TestProducerRejectsUnknownOp(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	raw := srv.Client(0)
	p := swss.NewProducerStateTable(srv.DB(swss.ApplDB), "T")
	err := p.Apply(ctx, []swss.KeyOpFieldValues{
		{Key: "good", Op: swss.OpSet, Fields: swss.FieldValues{{"a", "1"}}},
		{Key: "bad", Op: "create"},
	})
	if err == nil || !strings.Contains(err.Error(), `"bad"`) {
		t.Fatalf("err = %v, want one naming key \"bad\"", err)
	}
	if n := raw.DBSize(ctx).Val(); n != 0 {
		t.Fatalf("%d keys written by a rejected batch", n)
	}
	// ApplyPipe cannot fail: it skips the entry and queues the rest.
	if err := swss.LoadScripts(ctx, srv.DB(swss.ApplDB)); err != nil {
		t.Fatal(err)
	}
	pipe := raw.Pipeline()
	p.ApplyPipe(ctx, pipe, []swss.KeyOpFieldValues{{Key: "bad", Op: ""}, {Key: "good", Op: swss.OpSet, Fields: swss.FieldValues{{"a", "1"}}}})
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if got := raw.SMembers(ctx, "T_KEY_SET").Val(); !reflect.DeepEqual(got, []string{"good"}) {
		t.Fatalf("T_KEY_SET = %v", got)
	}
}

func TestProducerReportsForeignStagingKey(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	raw := srv.Client(0)
	raw.Set(ctx, "_T:bad", "a string", 0)
	p := swss.NewProducerStateTable(srv.DB(swss.ApplDB), "T")
	err := p.Apply(ctx, []swss.KeyOpFieldValues{
		{Key: "bad", Op: swss.OpSet, Fields: swss.FieldValues{{"a", "1"}}},
		{Key: "good", Op: swss.OpSet, Fields: swss.FieldValues{{"a", "1"}}},
	})
	if err == nil || !strings.Contains(err.Error(), `"bad"`) || !strings.Contains(err.Error(), "WRONGTYPE") {
		t.Fatalf("err = %v, want WRONGTYPE naming key \"bad\"", err)
	}
	if got := raw.SMembers(ctx, "T_KEY_SET").Val(); !reflect.DeepEqual(got, []string{"good"}) {
		t.Fatalf("T_KEY_SET = %v (the bad key must stay out, the good one in)", got)
	}
	if raw.Get(ctx, "_T:bad").Val() != "a string" {
		t.Fatal("foreign key modified")
	}
}

// A row with more fields than Lua's unpack takes at once (~8000 values)
// goes through producer and consumer intact.
func TestHugeRow(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	raw := srv.Client(0)
	app := srv.DB(swss.ApplDB)
	const n = 6000
	f := make(swss.FieldValues, n)
	for i := range f {
		f[i] = swss.FieldValue{Field: fmt.Sprintf("f%05d", i), Value: fmt.Sprint(i)}
	}
	if err := swss.NewProducerStateTable(app, "T").Set(ctx, "k", f); err != nil {
		t.Fatal(err)
	}
	raw.HSet(ctx, "T:k", "pre", "existing") // forces the merge (HSET) path
	cons, err := swss.NewConsumerStateTable(ctx, app, "T")
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close()
	got := popAll(t, ctx, cons, 1)
	sortFields(got[0].Fields)
	if !reflect.DeepEqual(got[0].Fields, f) {
		t.Fatalf("popped %d fields, want %d", len(got[0].Fields), n)
	}
	if l := raw.HLen(ctx, "T:k").Val(); l != n+1 {
		t.Fatalf("T:k has %d fields, want %d", l, n+1)
	}
}

func TestPublishOncePerBatch(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	raw := srv.Client(0)
	sub := raw.Subscribe(ctx, "T_CHANNEL@0")
	defer sub.Close()
	if _, err := sub.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	p := swss.NewProducerStateTable(srv.DB(swss.ApplDB), "T")
	batch := make([]swss.KeyOpFieldValues, 300)
	for i := range batch {
		batch[i] = swss.KeyOpFieldValues{Key: fmt.Sprint(i), Op: swss.OpSet, Fields: swss.FieldValues{{"a", "1"}}}
	}
	if err := p.Apply(ctx, batch); err != nil {
		t.Fatal(err)
	}
	if err := p.Apply(ctx, batch[:10]); err != nil { // all pending: no publish
		t.Fatal(err)
	}
	if m, err := sub.ReceiveMessage(ctx); err != nil || m.Payload != "G" {
		t.Fatalf("publish %+v %v", m, err)
	}
	// A PING round trip orders after any further message on the connection.
	if err := sub.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	for {
		m, err := sub.ReceiveTimeout(ctx, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if msg, ok := m.(*redis.Message); ok {
			t.Fatalf("extra publish %+v", msg)
		}
		if _, ok := m.(*redis.Pong); ok {
			break
		}
	}
}
