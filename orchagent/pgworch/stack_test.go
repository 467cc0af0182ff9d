package pgworch

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/hal/halclient"
	"github.com/vltgw/vltgw/orchagent"
	"github.com/vltgw/vltgw/orchagent/proxygw"
	"github.com/vltgw/vltgw/platform/vs"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
	"github.com/vltgw/vltgw/swss"
	"github.com/vltgw/vltgw/swss/redistest"
	"github.com/vltgw/vltgw/syncd"
)

// fakeClock is a manual orchagent.Clock.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []fakeTimer
}

type fakeTimer struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Unix(1_700_000_000, 0)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.timers = append(c.timers, fakeTimer{c.now.Add(d), ch})
	return ch
}

// Advance moves the clock and fires the timers now due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	keep := c.timers[:0]
	for _, t := range c.timers {
		if !t.at.After(c.now) {
			t.ch <- c.now
		} else {
			keep = append(keep, t)
		}
	}
	c.timers = keep
}

// hasTimerAt reports a pending timer due at exactly at.
func (c *fakeClock) hasTimerAt(at time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, t := range c.timers {
		if t.at.Equal(at) {
			return true
		}
	}
	return false
}

// stack is one switch: redis, platform/vs in process behind its HAL
// socket, the real syncd in process, and orchagent with the proxy-gateway
// orch.
type stack struct {
	t       testing.TB
	srv     *redistest.Server
	app     *swss.DB
	state   *swss.DB
	asic    *swss.DB
	sw      *vs.Switch
	sock    string
	clock   *fakeClock
	orch    *Orch
	settled chan int
	stop    func()
}

var switchMAC = "52:54:00:00:01:01"

func newStack(t testing.TB, myMACCapacity int) *stack {
	t.Helper()
	cfg, err := vs.LoadConfig(filepath.Join("..", "..", "platform", "vs", "testdata", "single.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Capacity.MyMAC = myMACCapacity
	sw, err := vs.New(cfg, vs.Options{Logger: zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.ErrorLevel)})
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "pgw-")
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "hal.sock")
	hs, err := vs.Listen(sw, vs.ServeOptions{HALSocket: sock})
	if err != nil {
		t.Fatal(err)
	}
	hs.Start()
	t.Cleanup(func() { hs.Stop(time.Second); sw.Close(); os.RemoveAll(dir) })
	srv := redistest.Start(t)
	s := &stack{t: t, srv: srv, app: srv.DB(swss.ApplDB), state: srv.DB(swss.StateDB), asic: srv.DB(swss.AsicDB),
		sw: sw, sock: sock, clock: newFakeClock()}
	s.startSyncd()
	return s
}

func (s *stack) startSyncd() {
	s.t.Helper()
	ready := make(chan struct{})
	sy, err := syncd.New(syncd.Config{
		ASIC:      s.asic.Client,
		State:     s.state.Client,
		Queue:     syncd.NewRedisQueue(s.asic.Client, s.asic.ID, syncd.AsicStateTable, 1024),
		Responder: syncd.NewRedisProducer(s.asic.Client, s.asic.ID, syncd.GetResponseTable),
		Notifier:  syncd.NewRedisNotifier(s.asic.Client, syncd.NotificationsCh),
		HAL:       halclient.Options{Address: s.sock, Client: "syncd-test"},
		Logger:    zerolog.New(zerolog.NewTestWriter(s.t)).Level(zerolog.ErrorLevel),
		OnReady:   func() { close(ready) },
	})
	if err != nil {
		s.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sy.Run(ctx) }()
	select {
	case <-ready:
	case err := <-done:
		s.t.Fatalf("syncd ended: %v", err)
	}
	s.t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && ctx.Err() == nil {
			s.t.Errorf("syncd: %v", err)
		}
	})
}

// start runs orchagent with the orch until the test ends.
func (s *stack) start(o Options) {
	s.t.Helper()
	s.settled = make(chan int, 1024)
	ctx, cancel := context.WithCancel(context.Background())
	mac, _ := net.ParseMAC(switchMAC)
	a, closeAll, err := orchagent.OpenRedis(ctx, orchagent.RedisOptions{
		DBConfig: s.srv.DBConfig(), MAC: mac, Timeout: 30 * time.Second, Clock: s.clock,
		Logger: zerolog.New(zerolog.NewTestWriter(s.t)).Level(zerolog.ErrorLevel),
		Extra: []orchagent.OrchFactory{func(env *orchagent.Env) (orchagent.Orch, error) {
			s.orch = New(env, o)
			return s.orch, nil
		}},
		OnSettled: func(p int) {
			select {
			case s.settled <- p:
			default:
			}
		},
	})
	if err != nil {
		s.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	var once sync.Once
	s.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				s.t.Error(err)
			}
			closeAll()
		})
	}
	s.t.Cleanup(s.stop)
	select {
	case <-s.settled:
	case err := <-done:
		s.t.Fatalf("orchagent ended at start: %v", err)
	}
}

// until waits for cond, re-checking after each settle (the deadline only
// guards against a hang).
func (s *stack) until(what string, cond func() bool) {
	s.t.Helper()
	deadline := time.After(30 * time.Second)
	for !cond() {
		select {
		case <-s.settled:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			s.t.Fatalf("timed out waiting for %s\n%s", what, s.describe())
		}
	}
}

func (s *stack) produce(table string, kfvs ...swss.KeyOpFieldValues) {
	s.t.Helper()
	if err := swss.NewProducerStateTable(s.app, table).Apply(context.Background(), kfvs); err != nil {
		s.t.Fatal(err)
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

func (s *stack) stateRow(key string) map[string]string {
	return s.state.Client.HGetAll(context.Background(), key).Val()
}

// asicMyMACs returns the MY_MAC rows of ASIC_DB: key → fields.
func (s *stack) asicMyMACs() map[string]map[string]string {
	ctx := context.Background()
	keys, err := s.asic.Client.Keys(ctx, "ASIC_STATE:SAI_OBJECT_TYPE_MY_MAC:*").Result()
	if err != nil {
		s.t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for _, k := range keys {
		out[k] = s.asic.Client.HGetAll(ctx, k).Val()
	}
	return out
}

// asicEntries renders ASIC_DB MY_MAC rows as sorted "mac/vlan".
func (s *stack) asicEntries() []string {
	var out []string
	for _, f := range s.asicMyMACs() {
		out = append(out, strings.ToLower(f[AttrMAC])+"/"+f[AttrVlanID])
	}
	sort.Strings(out)
	return out
}

// platformEntries renders the platform's MY_MAC objects as sorted
// "mac/vlan".
func (s *stack) platformEntries() []string {
	objs, err := s.sw.List(halv1.ObjectType_OBJECT_TYPE_MY_MAC)
	if err != nil {
		s.t.Fatal(err)
	}
	var out []string
	for _, o := range objs {
		var mac net.HardwareAddr
		var vlan uint32
		for _, a := range o.GetAttrs() {
			switch a.GetId() {
			case AttrMAC:
				mac = a.GetMac()
			case AttrVlanID:
				vlan = a.GetU32()
			}
		}
		out = append(out, fmt.Sprintf("%s/%d", mac, vlan))
	}
	sort.Strings(out)
	return out
}

// entries renders (mac, vlans) as sorted "mac/vlan".
func entries(macVlans ...any) []string {
	var out []string
	for i := 0; i+1 < len(macVlans); i += 2 {
		for _, v := range macVlans[i+1].([]int) {
			out = append(out, fmt.Sprintf("%s/%d", macVlans[i].(string), v))
		}
	}
	sort.Strings(out)
	return out
}

func same(a, b []string) bool { return strings.Join(a, " ") == strings.Join(b, " ") }

func (s *stack) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ASIC_DB MY_MAC %v\nplatform MY_MAC %v\n", s.asicEntries(), s.platformEntries())
	ctx := context.Background()
	for _, pat := range []string{"ORCH_ERROR_TABLE|*", "VLT_PROXY_GW*", "CRM_TABLE|*"} {
		keys, _ := s.state.Client.Keys(ctx, pat).Result()
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "%s %v\n", k, s.stateRow(k))
		}
	}
	return b.String()
}

// base: ports Ethernet0..12 up; VLANs 10, 20, 30 with one untagged port
// each (Ethernet0, Ethernet4, Ethernet8) and Ethernet12 also in VLAN 30;
// VLAN interfaces with addresses.
func (s *stack) base(l3 ...int) {
	s.t.Helper()
	s.produce("PORT_TABLE", set("Ethernet0", "lanes", "0,1,2,3", "admin_status", "up"),
		set("Ethernet4", "lanes", "4,5,6,7", "admin_status", "up"),
		set("Ethernet8", "lanes", "8,9,10,11", "admin_status", "up"),
		set("Ethernet12", "lanes", "12,13,14,15", "admin_status", "up"))
	s.produce("VLAN_TABLE", set("Vlan10"), set("Vlan20"), set("Vlan30"))
	s.produce("VLAN_MEMBER_TABLE", set("Vlan10:Ethernet0", "tagging_mode", "untagged"),
		set("Vlan20:Ethernet4", "tagging_mode", "untagged"), set("Vlan30:Ethernet8", "tagging_mode", "untagged"),
		set("Vlan30:Ethernet12", "tagging_mode", "untagged"))
	for _, v := range l3 {
		s.addL3(v)
	}
}

func (s *stack) addL3(v int) {
	s.t.Helper()
	name := fmt.Sprintf("Vlan%d", v)
	s.produce("VLAN_TABLE", set(name))
	s.produce("INTF_TABLE", set(name, "mac_addr", fmt.Sprintf("02:00:00:00:%02d:01", v)),
		set(fmt.Sprintf("%s:10.0.%d.1/24", name, v), "family", "IPv4"))
}

// Reference MACs (spec §8, seen from domain 2).
const (
	macC  = "00:01:e8:00:00:0c"
	macD  = "00:01:e8:00:00:0d"
	macD1 = "00:01:e8:00:01:0d"
	macE  = "00:01:e8:00:00:0e"
)

func mustMAC(s string) proxygw.MAC {
	m, err := proxygw.ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

// TestPlatformCapacityAndConfiguredCRM: the capacity read from the HAL
// makes CRM_TABLE|my_mac exact before any refusal.
func TestPlatformCapacityAndConfiguredCRM(t *testing.T) {
	s := newStack(t, 24)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	capacity, err := PlatformCapacity(ctx, s.sock)
	if err != nil || capacity != 24 {
		t.Fatalf("capacity %d, %v; want 24", capacity, err)
	}
	s.base(10, 20)
	s.start(Options{Capacity: capacity})
	s.produce(AppDomain, set("2", "peer_routing", "true", "peer_mac", macD1))
	s.until("CRM", func() bool {
		r := s.stateRow("CRM_TABLE|my_mac")
		return r["used"] == "2" && r["available"] == "22" && r["capacity"] == "24" && r["capacity_source"] == "configured"
	})
}
