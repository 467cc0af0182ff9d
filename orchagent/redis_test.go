package orchagent

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/hal/sai"
	"github.com/vltgw/vltgw/orchagent/sairedis"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
	"github.com/vltgw/vltgw/swss"
	"github.com/vltgw/vltgw/swss/redistest"
)

// queueSyncd serves the real ASIC_STATE/GETRESPONSE queues in Redis with a
// fakeASIC behind them: the transport is real, the platform is in memory.
// INIT_VIEW starts an empty view (orchagent replays into it).
type queueSyncd struct {
	mu    sync.Mutex
	f     *fakeASIC
	views []string
}

func startQueueSyncd(t testing.TB, asic *swss.DB, f *fakeASIC) *queueSyncd {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	in, err := swss.NewConsumerTable(ctx, asic, sairedis.AsicStateTable, swss.WithPopBatch(4096))
	if err != nil {
		t.Fatal(err)
	}
	out := swss.NewProducerTable(asic, sairedis.GetResponseTable)
	q := &queueSyncd{f: f}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			items, err := in.Pops(ctx)
			if err != nil {
				return
			}
			var replies []swss.QueueEntry
			q.mu.Lock()
			for _, it := range items {
				replies = append(replies, q.handle(ctx, it))
			}
			q.mu.Unlock()
			out.Send(ctx, replies)
		}
	}()
	t.Cleanup(func() { cancel(); wg.Wait(); in.Close() })
	return q
}

func (q *queueSyncd) handle(ctx context.Context, it swss.KeyOpFieldValues) swss.QueueEntry {
	r := swss.QueueEntry{Key: sairedis.StatusSuccess, Op: "getresponse"}
	switch it.Op {
	case "notify":
		q.views = append(q.views, it.Key)
		if it.Key == "INIT_VIEW" {
			for k := range q.f.objs {
				if id, err := sairedis.ParseOID(k[strings.LastIndex(k, "oid:"):]); strings.Contains(k, "oid:") && err == nil && q.f.platform[id] {
					continue
				}
				delete(q.f.objs, k)
			}
		}
		r.Op = "notify"
	case "get":
		k, err := sai.ParseKey(it.Key)
		if err != nil {
			r.Key = "SAI_STATUS_INVALID_PARAMETER"
			break
		}
		var ids []string
		for _, f := range it.Fields {
			ids = append(ids, f.Field)
		}
		attrs, err := q.f.Get(ctx, k, ids...)
		if err != nil {
			r.Key = sairedis.StatusOf(err)
			break
		}
		for _, a := range attrs {
			r.Fields = append(r.Fields, swss.FieldValue{Field: a.ID, Value: a.Value})
		}
	case "create", "remove", "set":
		k, err := sai.ParseKey(it.Key)
		if err != nil {
			r.Key = "SAI_STATUS_INVALID_PARAMETER"
			break
		}
		var attrs []sairedis.Attr
		for _, f := range it.Fields {
			if f.Field != "NULL" {
				attrs = append(attrs, sairedis.Attr{ID: f.Field, Value: f.Value})
			}
		}
		if st := q.f.apply(fakeOp{it.Op, k, attrs}, it.Key); st != "" {
			r.Key = st
		}
	case "bulkcreate", "bulkremove", "bulkset":
		typ, _, _ := strings.Cut(it.Key, ":")
		om, _ := sai.ObjectByName(typ)
		for _, f := range it.Fields {
			st := sairedis.StatusSuccess
			k, err := sai.ParseObjectID(om.Type, f.Field)
			if err != nil {
				st = "SAI_STATUS_INVALID_PARAMETER"
			} else {
				var attrs []sairedis.Attr
				for _, part := range strings.Split(f.Value, "|") {
					if a, v, ok := strings.Cut(part, "="); ok && a != "NULL" {
						attrs = append(attrs, sairedis.Attr{ID: a, Value: v})
					}
				}
				if s := q.f.apply(fakeOp{strings.TrimPrefix(it.Op, "bulk"), k, attrs}, typ+":"+f.Field); s != "" {
					st = s
				}
			}
			if st != sairedis.StatusSuccess {
				r.Key = "SAI_STATUS_FAILURE"
			}
			r.Fields = append(r.Fields, swss.FieldValue{Field: st})
		}
	default:
		r.Key = "SAI_STATUS_NOT_IMPLEMENTED"
	}
	return r
}

func (q *queueSyncd) count(t halv1.ObjectType) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.f.of(t))
}

// redisEnv is one switch's Redis with orchagent running against it.
type redisEnv struct {
	t       testing.TB
	srv     *redistest.Server
	app     *swss.DB
	state   *swss.DB
	asic    *swss.DB
	syncd   *queueSyncd
	settled chan int
	stop    func()
	quiet   bool
}

func newRedisEnv(t testing.TB) *redisEnv {
	t.Helper()
	srv := redistest.Start(t)
	e := &redisEnv{t: t, srv: srv, app: srv.DB(swss.ApplDB), state: srv.DB(swss.StateDB), asic: srv.DB(swss.AsicDB)}
	e.asic.Client.Set(context.Background(), sairedis.VIDCounterKey, 1000, 0) // platform objects use low counters
	e.syncd = startQueueSyncd(t, e.asic, newFakeASIC(4))
	return e
}

// start runs an agent until the returned stop is called.
func (e *redisEnv) start() {
	e.t.Helper()
	e.settled = make(chan int, 1024)
	ctx, cancel := context.WithCancel(context.Background())
	log := zerolog.New(zerolog.NewTestWriter(e.t)).Level(zerolog.WarnLevel)
	if e.quiet {
		log = zerolog.Nop()
	}
	a, closeAll, err := OpenRedis(ctx, RedisOptions{DBConfig: e.srv.DBConfig(), Timeout: 30 * time.Second,
		Logger: log,
		OnSettled: func(p int) {
			select {
			case e.settled <- p:
			default: // nobody is waiting; until polls as well
			}
		}})
	if err != nil {
		e.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	var once sync.Once
	e.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				e.t.Error(err)
			}
			closeAll()
		})
	}
	stop := e.stop
	e.t.Cleanup(stop)
	select {
	case <-e.settled:
	case err := <-done:
		done <- err
		e.t.Fatalf("orchagent ended at start: %v", err)
	}
}

func (e *redisEnv) shutdown() { e.stop() }

// until waits for cond, re-checking after each settle of the agent (the
// deadline only guards against a hang).
func (e *redisEnv) until(what string, cond func() bool) {
	e.t.Helper()
	deadline := time.After(20 * time.Second)
	for !cond() {
		select {
		case <-e.settled:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			e.t.Fatalf("timed out waiting for %s: %s", what, e.describe())
		}
	}
}

func (e *redisEnv) produce(table string, kfvs ...swss.KeyOpFieldValues) {
	e.t.Helper()
	if err := swss.NewProducerStateTable(e.app, table).Apply(context.Background(), kfvs); err != nil {
		e.t.Fatal(err)
	}
}

func set(key string, fv ...string) swss.KeyOpFieldValues {
	k := swss.KeyOpFieldValues{Key: key, Op: swss.OpSet}
	for i := 0; i+1 < len(fv); i += 2 {
		k.Fields = append(k.Fields, swss.FieldValue{Field: fv[i], Value: fv[i+1]})
	}
	if len(k.Fields) == 0 {
		k.Fields = swss.FieldValues{{Field: "NULL", Value: "NULL"}}
	}
	return k
}

func del(key string) swss.KeyOpFieldValues { return swss.KeyOpFieldValues{Key: key, Op: swss.OpDel} }

func (e *redisEnv) stateRow(key string) map[string]string {
	return e.state.Client.HGetAll(context.Background(), key).Val()
}

func TestRedisAppDBToASICAndBack(t *testing.T) {
	e := newRedisEnv(t)
	ctx := context.Background()
	e.srv.Client(4).HSet(ctx, "DEVICE_METADATA|localhost", "mac", "02:11:22:33:44:55")
	// Rows written before orchagent starts are replayed at start.
	e.produce(AppPortTable, set("Ethernet0", "lanes", "0,1,2,3", "admin_status", "up"), set("Ethernet4", "lanes", "4,5,6,7", "admin_status", "up"))
	base := runtime.NumGoroutine()
	e.start()
	e.syncd.mu.Lock()
	views := append([]string(nil), e.syncd.views...)
	e.syncd.mu.Unlock()
	if len(views) != 2 || views[0] != "INIT_VIEW" || views[1] != "APPLY_VIEW" {
		t.Fatalf("views %v", views)
	}
	e.syncd.mu.Lock()
	swKey := "SAI_OBJECT_TYPE_SWITCH:oid:0x21000000000000"
	e.syncd.mu.Unlock()
	_ = swKey
	e.produce(AppVlanTable, set("Vlan10"), set("Vlan20"))
	e.produce(AppVlanMemberTable, set("Vlan10:Ethernet0", "tagging_mode", "untagged"), set("Vlan20:Ethernet4", "tagging_mode", "untagged"),
		set("Vlan30:Ethernet0", "tagging_mode", "tagged"))
	e.produce(AppIntfTable, set("Vlan10"), set("Vlan20"), set("Vlan10:10.0.10.1/24", "family", "IPv4"), set("Vlan20:10.0.20.1/24", "family", "IPv4"))
	e.until("VLANs, members, RIFs", func() bool {
		return e.syncd.count(tVlan) == 2 && e.syncd.count(tVlanMember) == 2 && e.syncd.count(tRIF) == 2 && e.syncd.count(tRoute) == 6
	})
	e.syncd.mu.Lock()
	_, rif := e.syncd.f.objs, ""
	for _, v := range e.syncd.f.of(tRIF) {
		rif = v[attrRIFSrcMAC]
	}
	e.syncd.mu.Unlock()
	if rif != "02:11:22:33:44:55" {
		t.Fatalf("RIF MAC %q, want the CONFIG_DB MAC", rif)
	}
	// Bad input: member of a missing VLAN, reported in STATE_DB.
	e.until("pending reason", func() bool {
		r := e.stateRow("ORCH_ERROR_TABLE|VLAN_MEMBER_TABLE:Vlan30:Ethernet0")
		return r["status"] == "pending" && strings.Contains(r["reason"], "VLAN Vlan30 does not exist")
	})
	e.produce(AppVlanTable, set("Vlan30"))
	e.until("pending row applied and its error cleared", func() bool {
		return e.syncd.count(tVlanMember) == 3 && len(e.stateRow("ORCH_ERROR_TABLE|VLAN_MEMBER_TABLE:Vlan30:Ethernet0")) == 0
	})
	// Bad input through the real path: each row gets its own STATE_DB
	// error with a reason; the rest keeps working.
	e.produce(AppIntfTable, set("Vlan10:10.0.10.300/24", "family", "IPv4"), set("Vlan20:10.0.10.1/24", "family", "IPv4"))
	e.produce(AppPortTable, set("Ethernet400", "lanes", "400,401,402,403"))
	e.produce(AppRouteTable, set("10.9.0.0/16", "nexthop", "10.0.20.7,fc00:20::8", "ifname", "Vlan20,Vlan20"))
	for key, want := range map[string][2]string{
		"INTF_TABLE:Vlan10:10.0.10.300/24": {"invalid", `bad prefix "10.0.10.300/24"`},
		"INTF_TABLE:Vlan20:10.0.10.1/24":   {"conflict", "duplicate IP: 10.0.10.1 is already configured by INTF_TABLE:Vlan10:10.0.10.1/24"},
		"PORT_TABLE:Ethernet400":           {"invalid", "unknown port: no platform port has lanes 400,401,402,403"},
		"ROUTE_TABLE:10.9.0.0/16":          {"invalid", "nexthop fc00:20::8 is not of the family of 10.9.0.0/16"},
	} {
		e.until(key+" error", func() bool {
			r := e.stateRow("ORCH_ERROR_TABLE|" + key)
			return r["status"] == want[0] && strings.Contains(r["reason"], want[1])
		})
	}
	e.produce(AppIntfTable, del("Vlan10:10.0.10.300/24"), del("Vlan20:10.0.10.1/24"))
	e.produce(AppPortTable, del("Ethernet400"))
	e.produce(AppRouteTable, del("10.9.0.0/16"))
	e.until("errors cleared", func() bool {
		n, _ := e.state.Client.Keys(ctx, "ORCH_ERROR_TABLE|*").Result()
		return len(n) == 0
	})

	// Port oper status from NOTIFICATIONS.
	e.syncd.mu.Lock()
	port0 := e.syncd.f.portID(0)
	e.syncd.mu.Unlock()
	swss.NewNotificationProducer(e.asic, sairedis.NotificationsCh).Send(ctx, portStateNotification(port0, true))
	e.until("oper_status up", func() bool {
		return e.app.Client.HGet(ctx, "PORT_TABLE:Ethernet0", "oper_status").Val() == "up" &&
			e.stateRow("PORT_TABLE|Ethernet0")["oper_status"] == "up"
	})
	// A route moves from blackhole to a next hop by DEL+SET (one popped SET
	// without the blackhole field): the whole row is read back.
	e.produce(AppNeighTable, set("Vlan20:10.0.20.2", "neigh", "00:00:00:00:20:02", "family", "IPv4"))
	e.produce(AppRouteTable, set("192.168.0.0/16", "blackhole", "true"))
	e.until("blackhole route", func() bool { return e.syncd.count(tRoute) == 7 })
	e.produce(AppRouteTable, del("192.168.0.0/16"), set("192.168.0.0/16", "nexthop", "10.0.20.2", "ifname", "Vlan20"))
	e.until("route to the neighbour", func() bool {
		e.syncd.mu.Lock()
		defer e.syncd.mu.Unlock()
		for k, v := range e.syncd.f.of(tRoute) {
			if strings.Contains(k, "192.168.0.0/16") {
				return strings.HasPrefix(v[attrRouteNextHop], "oid:0x4")
			}
		}
		return false
	})
	// Deleting the rows removes exactly their objects.
	e.produce(AppRouteTable, del("192.168.0.0/16"))
	e.produce(AppNeighTable, del("Vlan20:10.0.20.2"))
	e.produce(AppIntfTable, del("Vlan20:10.0.20.1/24"), del("Vlan20"))
	e.produce(AppVlanMemberTable, del("Vlan20:Ethernet4"))
	e.produce(AppVlanTable, del("Vlan20"))
	e.until("Vlan20 objects gone", func() bool {
		return e.syncd.count(tVlan) == 2 && e.syncd.count(tVlanMember) == 2 && e.syncd.count(tRIF) == 1 &&
			e.syncd.count(tRoute) == 4 && e.syncd.count(tNeighbor) == 0 && e.syncd.count(tNextHop) == 0 && e.syncd.count(tBridgePort) == 1
	})

	// Restart: a new orchagent rebuilds the same objects from APP_DB alone.
	e.shutdown()
	waitGoroutines(t, base)
	e.syncd.mu.Lock()
	before := e.syncd.f.dump()
	e.syncd.mu.Unlock()
	e.start()
	e.until("replayed view", func() bool { return e.syncd.count(tVlanMember) == 2 && e.syncd.count(tRoute) == 4 })
	e.syncd.mu.Lock()
	after := e.syncd.f.dump()
	views = append([]string(nil), e.syncd.views...)
	e.syncd.mu.Unlock()
	if len(views) != 4 || views[3] != "APPLY_VIEW" {
		t.Fatalf("views %v", views)
	}
	if strings.Count(before, "\n") != strings.Count(after, "\n") {
		t.Fatalf("restart rebuilt a different set:\nbefore\n%s\nafter\n%s", before, after)
	}
}
