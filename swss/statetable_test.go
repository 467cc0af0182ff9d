package swss_test

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vltgw/vltgw/swss"
	"github.com/vltgw/vltgw/swss/redistest"
)

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// popAll pops until n changes arrived.
func popAll(t *testing.T, ctx context.Context, c interface {
	Pops(context.Context) ([]swss.KeyOpFieldValues, error)
}, n int) []swss.KeyOpFieldValues {
	t.Helper()
	var out []swss.KeyOpFieldValues
	for len(out) < n {
		got, err := c.Pops(ctx)
		if err != nil {
			t.Fatalf("pops after %d of %d: %v", len(out), n, err)
		}
		out = append(out, got...)
	}
	return out
}

func byKey(kfvs []swss.KeyOpFieldValues) map[string]swss.KeyOpFieldValues {
	m := map[string]swss.KeyOpFieldValues{}
	for _, k := range kfvs {
		m[k.Key] = k
	}
	return m
}

// cppProducerSet writes exactly what swss-common's C++ ProducerStateTable::set
// does (its Lua steps, issued as raw commands): SADD the key set, HSET the
// staged hash, PUBLISH "G" when the key was new.
func cppProducerSet(t *testing.T, ctx context.Context, c *redis.Client, table, key string, fv ...string) {
	t.Helper()
	added, err := c.SAdd(ctx, table+"_KEY_SET", key).Result()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(fv); i += 2 {
		c.HSet(ctx, "_"+table+":"+key, fv[i], fv[i+1])
	}
	if added > 0 {
		c.Publish(ctx, table+"_CHANNEL@0", "G")
	}
}

func cppProducerDel(t *testing.T, ctx context.Context, c *redis.Client, table, key string) {
	t.Helper()
	added, _ := c.SAdd(ctx, table+"_KEY_SET", key).Result()
	c.SAdd(ctx, table+"_DEL_SET", key)
	c.Del(ctx, "_"+table+":"+key)
	if added > 0 {
		c.Publish(ctx, table+"_CHANNEL@0", "G")
	}
}

func TestConsumerReadsSwssCommonProducer(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	raw := srv.Client(0)
	app := srv.DB(swss.ApplDB)
	cons, err := swss.NewConsumerStateTable(ctx, app, "VLAN_TABLE", swss.WithPollInterval(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close()

	cppProducerSet(t, ctx, raw, "VLAN_TABLE", "Vlan10", "admin_status", "up", "mtu", "9100")
	got := popAll(t, ctx, cons, 1)
	want := swss.KeyOpFieldValues{Key: "Vlan10", Op: swss.OpSet, Fields: swss.FieldValues{{"admin_status", "up"}, {"mtu", "9100"}}}
	sortFields(got[0].Fields)
	if !reflect.DeepEqual(got[0], want) {
		t.Fatalf("got %+v, want %+v", got[0], want)
	}
	// The applied row holds the fields; staging and key set are empty.
	if m := raw.HGetAll(ctx, "VLAN_TABLE:Vlan10").Val(); m["mtu"] != "9100" || m["admin_status"] != "up" {
		t.Fatalf("applied row VLAN_TABLE:Vlan10 = %v", m)
	}
	if n := raw.Exists(ctx, "_VLAN_TABLE:Vlan10", "VLAN_TABLE_KEY_SET").Val(); n != 0 {
		t.Fatalf("staging/key set left behind: %d keys", n)
	}

	// A partial update carries only the new field; the applied row merges.
	cppProducerSet(t, ctx, raw, "VLAN_TABLE", "Vlan10", "mtu", "1500")
	got = popAll(t, ctx, cons, 1)
	if !reflect.DeepEqual(got[0].Fields, swss.FieldValues{{"mtu", "1500"}}) {
		t.Fatalf("partial set popped %+v", got[0])
	}
	if m := raw.HGetAll(ctx, "VLAN_TABLE:Vlan10").Val(); m["mtu"] != "1500" || m["admin_status"] != "up" {
		t.Fatalf("merged row = %v", m)
	}

	// Delete: DEL op and the applied row gone.
	cppProducerDel(t, ctx, raw, "VLAN_TABLE", "Vlan10")
	got = popAll(t, ctx, cons, 1)
	if got[0].Op != swss.OpDel || got[0].Key != "Vlan10" {
		t.Fatalf("delete popped %+v", got[0])
	}
	if raw.Exists(ctx, "VLAN_TABLE:Vlan10").Val() != 0 {
		t.Fatal("applied row survived the delete")
	}

	// Delete then set before a pop: one SET with the new fields only, and
	// the applied row holds only them.
	cppProducerSet(t, ctx, raw, "VLAN_TABLE", "Vlan20", "mtu", "9100", "admin_status", "up")
	popAll(t, ctx, cons, 1)
	cppProducerDel(t, ctx, raw, "VLAN_TABLE", "Vlan20")
	cppProducerSet(t, ctx, raw, "VLAN_TABLE", "Vlan20", "mtu", "1000")
	got = popAll(t, ctx, cons, 1)
	if len(got) != 1 || got[0].Op != swss.OpSet || !reflect.DeepEqual(got[0].Fields, swss.FieldValues{{"mtu", "1000"}}) {
		t.Fatalf("delete+set popped %+v", got)
	}
	if m := raw.HGetAll(ctx, "VLAN_TABLE:Vlan20").Val(); !reflect.DeepEqual(m, map[string]string{"mtu": "1000"}) {
		t.Fatalf("row after delete+set = %v", m)
	}
}

func sortFields(f swss.FieldValues) {
	sort.Slice(f, func(i, j int) bool { return f[i].Field < f[j].Field })
}

func TestProducerFootprintMatchesSwssCommon(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	raw := srv.Client(0)
	app := srv.DB(swss.ApplDB)
	sub := raw.Subscribe(ctx, "ROUTE_TABLE_CHANNEL@0")
	defer sub.Close()
	if _, err := sub.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	p := swss.NewProducerStateTable(app, "ROUTE_TABLE")
	// A key containing the separator, as route prefixes and MACs do.
	if err := p.Set(ctx, "fc00::/64", swss.FieldValues{{"nexthop", "fc00::1"}, {"ifname", "Vlan10"}}); err != nil {
		t.Fatal(err)
	}
	if got := raw.SMembers(ctx, "ROUTE_TABLE_KEY_SET").Val(); !reflect.DeepEqual(got, []string{"fc00::/64"}) {
		t.Fatalf("ROUTE_TABLE_KEY_SET = %v", got)
	}
	if got := raw.HGetAll(ctx, "_ROUTE_TABLE:fc00::/64").Val(); !reflect.DeepEqual(got, map[string]string{"nexthop": "fc00::1", "ifname": "Vlan10"}) {
		t.Fatalf("_ROUTE_TABLE:fc00::/64 = %v", got)
	}
	msg, err := sub.ReceiveMessage(ctx)
	if err != nil || msg.Channel != "ROUTE_TABLE_CHANNEL@0" || msg.Payload != "G" {
		t.Fatalf("publish = %+v, %v", msg, err)
	}
	// A second set of the same (still pending) key does not publish again.
	if err := p.Set(ctx, "fc00::/64", swss.FieldValues{{"nexthop", "fc00::2"}}); err != nil {
		t.Fatal(err)
	}
	if err := p.Del(ctx, "10.0.0.0/8"); err != nil {
		t.Fatal(err)
	}
	msg, err = sub.ReceiveMessage(ctx)
	if err != nil || msg.Payload != "G" {
		t.Fatalf("second publish = %+v, %v", msg, err)
	}
	if got := raw.SMembers(ctx, "ROUTE_TABLE_DEL_SET").Val(); !reflect.DeepEqual(got, []string{"10.0.0.0/8"}) {
		t.Fatalf("ROUTE_TABLE_DEL_SET = %v", got)
	}
	if got := raw.HGet(ctx, "_ROUTE_TABLE:fc00::/64", "nexthop").Val(); got != "fc00::2" {
		t.Fatalf("restaged nexthop = %q", got)
	}
	keys := raw.Keys(ctx, "*").Val()
	sort.Strings(keys)
	want := []string{"ROUTE_TABLE_DEL_SET", "ROUTE_TABLE_KEY_SET", "_ROUTE_TABLE:fc00::/64"}
	if !reflect.DeepEqual(keys, want) {
		t.Fatalf("keys in APPL_DB = %v, want %v", keys, want)
	}
	// Only one message was published for two adds of new keys in separate
	// calls plus one re-set: check no third message is queued.
	ctx2, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if m, err := sub.ReceiveMessage(ctx2); err == nil {
		t.Fatalf("unexpected extra publish %+v", m)
	}
}

func TestBatchesLargerThanOnePop(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	app := srv.DB(swss.ApplDB)
	cons, err := swss.NewConsumerStateTable(ctx, app, "T", swss.WithPollInterval(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close()
	p := swss.NewProducerStateTable(app, "T")
	const n = 1000
	batch := make([]swss.KeyOpFieldValues, n)
	for i := range batch {
		batch[i] = swss.KeyOpFieldValues{Key: fmt.Sprintf("k%04d", i), Op: swss.OpSet, Fields: swss.FieldValues{{"i", fmt.Sprint(i)}}}
	}
	if err := p.Apply(ctx, batch); err != nil {
		t.Fatal(err)
	}
	got := byKey(popAll(t, ctx, cons, n))
	if len(got) != n {
		t.Fatalf("got %d distinct keys, want %d", len(got), n)
	}
	for i := 0; i < n; i++ {
		k := got[fmt.Sprintf("k%04d", i)]
		if v, _ := k.Fields.Get("i"); v != fmt.Sprint(i) {
			t.Fatalf("key k%04d = %+v", i, k)
		}
	}
	// A set without fields is not mistaken for a delete.
	if err := p.Set(ctx, "empty", nil); err != nil {
		t.Fatal(err)
	}
	e := popAll(t, ctx, cons, 1)
	if e[0].Op != swss.OpSet {
		t.Fatalf("fieldless set popped as %+v", e[0])
	}
}

func TestConsumerDrainsKeysPendingAtStart(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	app := srv.DB(swss.ApplDB)
	p := swss.NewProducerStateTable(app, "PORT_TABLE")
	if err := p.Set(ctx, "Ethernet0", swss.FieldValues{{"mtu", "9100"}}); err != nil {
		t.Fatal(err)
	}
	// The consumer starts after the publish: no wake-up will come, the
	// pending key must still be returned at once.
	cons, err := swss.NewConsumerStateTable(ctx, app, "PORT_TABLE", swss.WithPollInterval(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close()
	got := popAll(t, ctx, cons, 1)
	if got[0].Key != "Ethernet0" {
		t.Fatalf("got %+v", got)
	}
}

func TestBadStagedEntryIsSkippedOthersFlow(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	raw := srv.Client(0)
	app := srv.DB(swss.ApplDB)
	cons, err := swss.NewConsumerStateTable(ctx, app, "VLAN_TABLE", swss.WithPollInterval(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close()
	// Another writer left a string where a staged hash belongs.
	raw.SAdd(ctx, "VLAN_TABLE_KEY_SET", "VlanBad")
	raw.Set(ctx, "_VLAN_TABLE:VlanBad", "not a hash", 0)
	p := swss.NewProducerStateTable(app, "VLAN_TABLE")
	if err := p.Set(ctx, "Vlan30", swss.FieldValues{{"mtu", "9100"}}); err != nil {
		t.Fatal(err)
	}
	got := byKey(popAll(t, ctx, cons, 1))
	if _, ok := got["Vlan30"]; !ok {
		t.Fatalf("good key did not flow: %+v", got)
	}
	if _, ok := got["VlanBad"]; ok {
		t.Fatal("malformed staged entry was delivered")
	}
	if raw.Get(ctx, "_VLAN_TABLE:VlanBad").Val() != "not a hash" {
		t.Fatal("foreign key was modified")
	}
}

func TestConsumerSurvivesRedisRestart(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	app := srv.DB(swss.ApplDB)
	cons, err := swss.NewConsumerStateTable(ctx, app, "T", swss.WithPollInterval(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close()
	p := swss.NewProducerStateTable(app, "T")
	if err := p.Set(ctx, "before", swss.FieldValues{{"a", "1"}}); err != nil {
		t.Fatal(err)
	}
	popAll(t, ctx, cons, 1)

	srv.Restart()
	// Written while the consumer's connection is being re-established; the
	// publish may well be lost, the key must not be.
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := p.Set(ctx, "after", swss.FieldValues{{"b", "2"}})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("producer never reconnected: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	var got []swss.KeyOpFieldValues
	for len(got) == 0 {
		out, err := cons.Pops(ctx)
		if err != nil {
			if ctx.Err() != nil {
				t.Fatalf("consumer never recovered: %v", err)
			}
			time.Sleep(20 * time.Millisecond) // errors while Redis is away are expected
			continue
		}
		got = out
	}
	if got[0].Key != "after" {
		t.Fatalf("after restart got %+v", got)
	}
}
