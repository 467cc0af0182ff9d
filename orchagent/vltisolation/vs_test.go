package vltisolation

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/hal/halclient"
	"github.com/vltgw/vltgw/hal/sai"
	"github.com/vltgw/vltgw/orchagent"
	"github.com/vltgw/vltgw/platform/vs"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
	"github.com/vltgw/vltgw/swss"
	"github.com/vltgw/vltgw/swss/redistest"
	"github.com/vltgw/vltgw/syncd"
)

// stack is redis + orchagent (with the isolation orch) + the real syncd +
// platform/vs, all in process.
type stack struct {
	t                *testing.T
	sw               *vs.Switch
	app, asic, state *swss.DB
	settled          chan struct{}
	rdbConfig        *swss.DBConfig
	log              zerolog.Logger
	stopAgent        func()
}

func startStack(t *testing.T) *stack {
	t.Helper()
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	cfg, err := vs.LoadConfig(filepath.Join("..", "..", "platform", "vs", "testdata", "single.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sw, err := vs.New(cfg, vs.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "vltiso-vs-")
	if err != nil {
		t.Fatal(err)
	}
	halSock := filepath.Join(dir, "hal.sock")
	srv, err := vs.Listen(sw, vs.ServeOptions{HALSocket: halSock})
	if err != nil {
		t.Fatal(err)
	}
	srv.Start()
	t.Cleanup(func() { srv.Stop(time.Second); sw.Close(); os.RemoveAll(dir) })

	rs := redistest.Start(t)
	s := &stack{t: t, sw: sw, app: rs.DB(swss.ApplDB), asic: rs.DB(swss.AsicDB), state: rs.DB(swss.StateDB), settled: make(chan struct{}, 1)}
	ready := make(chan struct{})
	queue := syncd.NewRedisQueue(s.asic.Client, s.asic.ID, syncd.AsicStateTable, 1024)
	sy, err := syncd.New(syncd.Config{
		ASIC:      s.asic.Client,
		State:     s.state.Client,
		Queue:     queue,
		Responder: syncd.NewRedisProducer(s.asic.Client, s.asic.ID, syncd.GetResponseTable),
		Notifier:  syncd.NewRedisNotifier(s.asic.Client, syncd.NotificationsCh),
		HAL:       halclient.Options{Address: halSock, Client: "vltisolation-test"},
		Logger:    log,
		OnReady:   func() { close(ready) },
	})
	if err != nil {
		t.Fatal(err)
	}
	sctx, scancel := context.WithCancel(context.Background())
	sdone := make(chan error, 1)
	go func() { sdone <- sy.Run(sctx) }()
	select {
	case <-ready:
	case err := <-sdone:
		t.Fatalf("syncd ended: %v", err)
	}
	t.Cleanup(func() {
		scancel()
		if err := <-sdone; err != nil && sctx.Err() == nil {
			t.Errorf("syncd: %v", err)
		}
		queue.Close()
	})

	s.rdbConfig, s.log = rs.DBConfig(), log
	s.stopAgent = s.startAgent()
	t.Cleanup(func() { s.stopAgent() })
	return s
}

// startAgent runs orchagent with the isolation orch; the returned function
// stops it (once).
func (s *stack) startAgent() func() {
	t := s.t
	t.Helper()
	log := s.log
	actx, acancel := context.WithCancel(context.Background())
	a, closeAll, err := orchagent.OpenRedis(actx, orchagent.RedisOptions{DBConfig: s.rdbConfig, Timeout: 30 * time.Second, Logger: log,
		Extra: []orchagent.OrchFactory{Factory()},
		OnSettled: func(int) {
			select {
			case s.settled <- struct{}{}:
			default:
			}
		}})
	if err != nil {
		acancel()
		t.Fatal(err)
	}
	adone := make(chan error, 1)
	go func() { adone <- a.Run(actx) }()
	var once sync.Once
	return func() {
		once.Do(func() {
			acancel()
			if err := <-adone; err != nil {
				t.Errorf("orchagent: %v", err)
			}
			closeAll()
		})
	}
}

func (s *stack) produce(table string, kfvs ...swss.KeyOpFieldValues) {
	s.t.Helper()
	if err := swss.NewProducerStateTable(s.app, table).Apply(context.Background(), kfvs); err != nil {
		s.t.Fatal(err)
	}
}

func kset(key string, fv ...string) swss.KeyOpFieldValues {
	k := swss.KeyOpFieldValues{Key: key, Op: swss.OpSet}
	for i := 0; i+1 < len(fv); i += 2 {
		k.Fields = append(k.Fields, swss.FieldValue{Field: fv[i], Value: fv[i+1]})
	}
	if len(k.Fields) == 0 {
		k.Fields = swss.FieldValues{{Field: "NULL", Value: "NULL"}}
	}
	return k
}

// until waits for cond, re-checking after each settle of the agent (the
// deadline only guards against a hang).
func (s *stack) until(what string, cond func() bool) {
	s.t.Helper()
	deadline := time.After(20 * time.Second)
	for !cond() {
		select {
		case <-s.settled:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			s.t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func (s *stack) asicCount(typ string) int {
	keys, err := s.asic.Client.Keys(context.Background(), "ASIC_STATE:"+typ+":*").Result()
	if err != nil {
		s.t.Fatal(err)
	}
	return len(keys)
}

// flood injects an unknown-unicast frame from a fresh source MAC on port
// and returns the ports it left by.
func (s *stack) flood(port string, src byte) map[string]int {
	s.t.Helper()
	if _, err := s.sw.Captured("", true); err != nil {
		s.t.Fatal(err)
	}
	f := make([]byte, 60)
	copy(f[0:6], []byte{0x02, 0, 0, 0, 0x99, 0x99})
	copy(f[6:12], []byte{0x02, 0, 0, 0, 0x10, src})
	binary.BigEndian.PutUint16(f[12:], 0x0800)
	if err := s.sw.Inject(port, f); err != nil { // synchronous: the pipeline is done when it returns
		s.t.Fatal(err)
	}
	frames, err := s.sw.Captured("", true)
	if err != nil {
		s.t.Fatal(err)
	}
	out := map[string]int{}
	for _, fr := range frames {
		if net.HardwareAddr(fr.Frame[6:12]).String() == net.HardwareAddr(f[6:12]).String() {
			out[fr.Port]++
		}
	}
	return out
}

// setupVLT programs the test topology through APP_DB and waits until the
// group, its member and the binding are in ASIC_DB and the ports are up:
// Ethernet0 and Ethernet12 plain access ports, PortChannel1 (Ethernet4) the
// VLT peer link, PortChannel100 (Ethernet8) a VLT LAG, all in Vlan10.
func (s *stack) setupVLT() {
	s.t.Helper()
	ctx := context.Background()
	var ports []swss.KeyOpFieldValues
	for i, p := range []string{"Ethernet0", "Ethernet4", "Ethernet8", "Ethernet12"} {
		lanes := []string{"0,1,2,3", "4,5,6,7", "8,9,10,11", "12,13,14,15"}[i]
		ports = append(ports, kset(p, "lanes", lanes, "admin_status", "up"))
	}
	s.produce(orchagent.AppPortTable, ports...)
	s.produce(orchagent.AppLagTable, kset("PortChannel1", "admin_status", "up"), kset("PortChannel100", "admin_status", "up"))
	s.produce(orchagent.AppLagMemberTable, kset("PortChannel1:Ethernet4", "status", "enabled"), kset("PortChannel100:Ethernet8", "status", "enabled"))
	s.produce(orchagent.AppVlanTable, kset("Vlan10"))
	s.produce(orchagent.AppVlanMemberTable, kset("Vlan10:Ethernet0", "tagging_mode", "untagged"), kset("Vlan10:Ethernet12", "tagging_mode", "untagged"),
		kset("Vlan10:PortChannel1", "tagging_mode", "untagged"), kset("Vlan10:PortChannel100", "tagging_mode", "untagged"))
	s.produce(AppDomain, kset("1", "peer_link", "PortChannel1", "peer_routing", "true"))
	s.produce(AppInterface, kset("1:PortChannel100"))
	s.until("the isolation group, its member and the LAGs up in ASIC_DB and STATE_DB", func() bool {
		return s.asicCount("SAI_OBJECT_TYPE_ISOLATION_GROUP") == 1 && s.asicCount("SAI_OBJECT_TYPE_ISOLATION_GROUP_MEMBER") == 1 &&
			s.state.Client.HGet(ctx, "LAG_TABLE|PortChannel1", "oper_status").Val() == "up" &&
			s.state.Client.HGet(ctx, "LAG_TABLE|PortChannel100", "oper_status").Val() == "up" &&
			s.state.Client.HGet(ctx, "PORT_TABLE|Ethernet0", "oper_status").Val() == "up" &&
			s.state.Client.HGet(ctx, "PORT_TABLE|Ethernet12", "oper_status").Val() == "up"
	})
	s.until("the peer link's bridge port carries the group", func() bool {
		for _, k := range s.asic.Client.Keys(ctx, "ASIC_STATE:SAI_OBJECT_TYPE_BRIDGE_PORT:*").Val() {
			if v := s.asic.Client.HGet(ctx, k, AttrBridgePortGroup).Val(); v != "" && v != "oid:0x0" {
				return true
			}
		}
		return false
	})
}

// TestPeerLinkFloodSkipsVLTLagsOnTheVirtualSwitch: Ethernet0 is a plain
// access port, PortChannel1 (Ethernet4) the VLT peer link, PortChannel100
// (Ethernet8) a VLT LAG and Ethernet12 another plain port, all in Vlan10.
// A flooded frame from the peer link reaches the plain ports but not the
// VLT LAG; from a plain port it reaches every port; removing the VLT
// marking removes the member and the VLT LAG gets the peer link's floods.
func TestPeerLinkFloodSkipsVLTLagsOnTheVirtualSwitch(t *testing.T) {
	base := runtime.NumGoroutine()
	t.Run("stack", peerLinkFlood) // its cleanups stop every goroutine it started
	noLeak(t, base)
}

// noLeak fails when goroutines started since base are still running once
// they had time to see their stop (the deadline only guards a hang).
func noLeak(t *testing.T, base int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > base && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > base {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d goroutines left running (%d before):\n%s", n-base, base, buf[:runtime.Stack(buf, true)])
	}
}

func peerLinkFlood(t *testing.T) {
	s := startStack(t)
	s.setupVLT()

	// From a plain port: everywhere else, the VLT LAG included.
	if got := s.flood("Ethernet0", 1); got["Ethernet4"] != 1 || got["Ethernet8"] != 1 || got["Ethernet12"] != 1 || len(got) != 3 {
		t.Fatalf("flood from Ethernet0 left by %v", got)
	}
	// From the peer link: the plain ports only.
	isolated := s.sw.Stage("dropped_isolation")
	if got := s.flood("Ethernet4", 2); got["Ethernet0"] != 1 || got["Ethernet12"] != 1 || len(got) != 2 {
		t.Fatalf("flood from the peer link left by %v (want Ethernet0 and Ethernet12, never the VLT LAG's Ethernet8)", got)
	}
	if s.sw.Stage("dropped_isolation") != isolated+1 {
		t.Fatalf("dropped_isolation %d → %d, want one more", isolated, s.sw.Stage("dropped_isolation"))
	}

	// Un-marking the VLT LAG removes the member; its floods come back.
	s.produce(AppInterface, swss.KeyOpFieldValues{Key: "1:PortChannel100", Op: swss.OpDel})
	s.until("the member gone from ASIC_DB", func() bool { return s.asicCount("SAI_OBJECT_TYPE_ISOLATION_GROUP_MEMBER") == 0 })
	if s.asicCount("SAI_OBJECT_TYPE_ISOLATION_GROUP") != 1 {
		t.Fatal("the group went with its last member")
	}
	if got := s.flood("Ethernet4", 3); got["Ethernet0"] != 1 || got["Ethernet8"] != 1 || got["Ethernet12"] != 1 || len(got) != 3 {
		t.Fatalf("flood from the peer link after un-marking left by %v", got)
	}
}

// isolation describes the platform's isolation state by port names: the
// groups' oids, the member port behind each member's bridge port (a LAG's
// bridge port names the LAG; the LAG's member port names it), and the
// member port behind each bridge port naming a group.
type isolation struct {
	groups         []uint64
	members, bound []string
}

func (s *stack) isolation() isolation {
	s.t.Helper()
	list := func(t halv1.ObjectType) []*halv1.Object {
		objs, err := s.sw.List(t)
		if err != nil {
			s.t.Fatal(err)
		}
		return objs
	}
	attr := func(o *halv1.Object, id string) uint64 {
		for _, a := range o.GetAttrs() {
			if a.GetId() == id {
				return a.GetOid()
			}
		}
		return 0
	}
	portName := map[uint64]string{}
	for _, n := range s.sw.PortNames() {
		oid, err := s.sw.PortOID(n)
		if err != nil {
			s.t.Fatal(err)
		}
		portName[oid] = n
	}
	lagPort := map[uint64]string{} // LAG → its member port
	for _, m := range list(halv1.ObjectType_OBJECT_TYPE_LAG_MEMBER) {
		lagPort[attr(m, "SAI_LAG_MEMBER_ATTR_LAG_ID")] = portName[attr(m, "SAI_LAG_MEMBER_ATTR_PORT_ID")]
	}
	bpPort := map[uint64]string{}
	var out isolation
	for _, bp := range list(halv1.ObjectType_OBJECT_TYPE_BRIDGE_PORT) {
		name := lagPort[attr(bp, "SAI_BRIDGE_PORT_ATTR_PORT_ID")]
		bpPort[bp.GetKey().GetOid()] = name
		if attr(bp, AttrBridgePortGroup) != 0 {
			out.bound = append(out.bound, name)
		}
	}
	for _, g := range list(tGroup) {
		out.groups = append(out.groups, g.GetKey().GetOid())
	}
	for _, m := range list(tMember) {
		out.members = append(out.members, bpPort[attr(m, AttrMemberObject)])
	}
	return out
}

// TestOrchagentRestartKeepsTheIsolationGroup: orchagent restarted over the
// same APP_DB replays the rows; the platform keeps the same group, with the
// VLT LAG as its member and the peer link bound to it, and still isolates.
// Nothing is re-created: syncd matches the LAGs (which carry no attributes)
// by their member ports, so every LAG, LAG member, bridge port, VLAN
// member, the group and its member keep their platform objects.
func TestOrchagentRestartKeepsTheIsolationGroup(t *testing.T) {
	base := runtime.NumGoroutine()
	t.Run("stack", restartKeeps)
	noLeak(t, base)
}

func restartKeeps(t *testing.T) {
	s := startStack(t)
	s.setupVLT()
	before := s.isolation()
	if want := (isolation{groups: before.groups, members: []string{"Ethernet8"}, bound: []string{"Ethernet4"}}); len(before.groups) != 1 || !reflect.DeepEqual(before, want) {
		t.Fatalf("platform isolation %+v, want one group, the VLT LAG (Ethernet8) its member, the peer link (Ethernet4) bound", before)
	}
	kept := []halv1.ObjectType{halv1.ObjectType_OBJECT_TYPE_LAG, halv1.ObjectType_OBJECT_TYPE_LAG_MEMBER, halv1.ObjectType_OBJECT_TYPE_BRIDGE_PORT,
		halv1.ObjectType_OBJECT_TYPE_VLAN_MEMBER, halv1.ObjectType_OBJECT_TYPE_ISOLATION_GROUP, halv1.ObjectType_OBJECT_TYPE_ISOLATION_GROUP_MEMBER}
	objsBefore := s.platformObjects(kept...)
	views := s.viewApplies()
	s.stopAgent()
	select {
	case <-s.settled: // the stopped agent's last one
	default:
	}
	s.stopAgent = s.startAgent()
	select {
	case <-s.settled: // the first settle follows APPLY_VIEW
	case <-time.After(20 * time.Second):
		t.Fatal("the restarted orchagent did not settle")
	}
	s.until("syncd applied the view", func() bool { return s.viewApplies() > views })
	if after := s.isolation(); !reflect.DeepEqual(after, before) {
		t.Fatalf("platform isolation after the restart %+v, before %+v", after, before)
	}
	if after := s.platformObjects(kept...); !reflect.DeepEqual(after, objsBefore) {
		t.Fatalf("platform objects after the restart %v, before %v (re-created)", after, objsBefore)
	}
	if n, m := s.asicCount("SAI_OBJECT_TYPE_ISOLATION_GROUP"), s.asicCount("SAI_OBJECT_TYPE_ISOLATION_GROUP_MEMBER"); n != 1 || m != 1 {
		t.Fatalf("ASIC_DB holds %d groups, %d members", n, m)
	}
	if got := s.flood("Ethernet4", 7); got["Ethernet8"] != 0 || got["Ethernet0"] != 1 || got["Ethernet12"] != 1 {
		t.Fatalf("flood from the peer link after the restart left by %v", got)
	}
}

// viewApplies is the number of views syncd has applied (its counters are
// written after a view's platform writes).
func (s *stack) viewApplies() int {
	n, _ := strconv.Atoi(s.state.Client.HGet(context.Background(), syncd.StatsKey, "view_applies").Val())
	return n
}

// platformObjects lists the platform's objects of the given types: each
// one's oid and attributes, sorted by oid.
func (s *stack) platformObjects(types ...halv1.ObjectType) map[string][]string {
	s.t.Helper()
	out := map[string][]string{}
	for _, typ := range types {
		objs, err := s.sw.List(typ)
		if err != nil {
			s.t.Fatal(err)
		}
		for _, o := range objs {
			desc := fmt.Sprintf("%#x", o.GetKey().GetOid())
			for _, a := range o.GetAttrs() {
				if _, v, err := sai.FormatAttr(a); err == nil {
					desc += " " + a.GetId() + "=" + v
				}
			}
			out[typ.String()] = append(out[typ.String()], desc)
		}
		sort.Strings(out[typ.String()])
	}
	return out
}
