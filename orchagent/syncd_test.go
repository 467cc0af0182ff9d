package orchagent

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/hal/halclient"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
	"github.com/vltgw/vltgw/swss"
	"github.com/vltgw/vltgw/swss/redistest"
	"github.com/vltgw/vltgw/syncd"
)

// stackEnv is redis + the real syncd (in process) + orchagent, with a
// platform behind the HAL socket.
type stackEnv struct {
	redisEnv
	hal string
}

func newStackEnv(t testing.TB, halSock string) *stackEnv {
	t.Helper()
	srv := redistest.Start(t)
	e := &stackEnv{redisEnv: redisEnv{t: t, srv: srv, app: srv.DB(swss.ApplDB), state: srv.DB(swss.StateDB), asic: srv.DB(swss.AsicDB)}, hal: halSock}
	e.startSyncd()
	return e
}

func (e *stackEnv) startSyncd() {
	e.t.Helper()
	ready := make(chan struct{})
	s, err := syncd.New(syncd.Config{
		ASIC:      e.asic.Client,
		State:     e.state.Client,
		Queue:     syncd.NewRedisQueue(e.asic.Client, e.asic.ID, syncd.AsicStateTable, 1024),
		Responder: syncd.NewRedisProducer(e.asic.Client, e.asic.ID, syncd.GetResponseTable),
		Notifier:  syncd.NewRedisNotifier(e.asic.Client, syncd.NotificationsCh),
		HAL:       halclient.Options{Address: e.hal, Client: "syncd-test"},
		Logger:    zerolog.New(zerolog.NewTestWriter(e.t)).Level(zerolog.WarnLevel),
		OnReady:   func() { close(ready) },
	})
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	select {
	case <-ready:
	case err := <-done:
		e.t.Fatalf("syncd ended: %v", err)
	}
	e.t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && ctx.Err() == nil {
			e.t.Errorf("syncd: %v", err)
		}
	})
}

// asicObjects returns the ASIC_DB hashes of a type: key → fields.
func (e *redisEnv) asicObjects(t halv1.ObjectType) map[string]map[string]string {
	ctx := context.Background()
	keys, err := e.asic.Client.Keys(ctx, "ASIC_STATE:SAI_"+t.String()+":*").Result()
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for _, k := range keys {
		out[k] = e.asic.Client.HGetAll(ctx, k).Val()
	}
	return out
}

func (e *redisEnv) asicCount(t halv1.ObjectType) int { return len(e.asicObjects(t)) }

func (e *redisEnv) asicHas(t halv1.ObjectType, field, value string) bool {
	for _, v := range e.asicObjects(t) {
		if v[field] == value {
			return true
		}
	}
	return false
}

func (e *redisEnv) asicFind(t halv1.ObjectType, field, value string) (string, map[string]string) {
	e.t.Helper()
	for k, v := range e.asicObjects(t) {
		if v[field] == value {
			return k, v
		}
	}
	e.t.Fatalf("ASIC_DB has no %s with %s=%s", t, field, value)
	return "", nil
}

// asicKeys lists every ASIC_STATE key of the given types, sorted.
func (e *redisEnv) asicKeys(types ...halv1.ObjectType) []string {
	var out []string
	for _, t := range types {
		for k := range e.asicObjects(t) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func TestStackWithRealSyncd(t *testing.T) {
	hal := newHalFake()
	e := newStackEnv(t, serveHalFake(t, hal))
	ctx := context.Background()
	e.srv.Client(4).HSet(ctx, "DEVICE_METADATA|localhost", "mac", "02:11:22:33:44:55")
	e.produce(AppPortTable, set("Ethernet0", "lanes", "0,1,2,3", "admin_status", "up", "mtu", "9100"),
		set("Ethernet4", "lanes", "4,5,6,7", "admin_status", "up"), set("Ethernet8", "lanes", "8,9,10,11"))
	e.start()
	switchRow := func() map[string]string {
		return e.asic.Client.HGetAll(ctx, "ASIC_STATE:SAI_OBJECT_TYPE_SWITCH:oid:0x21000000000000").Val()
	}
	if sw := switchRow(); sw[attrSwitchSrcMAC] != "02:11:22:33:44:55" || sw[attrSwitchInitSwitch] != "true" {
		t.Fatalf("switch row %v", sw)
	}
	types := []halv1.ObjectType{tVlan, tVlanMember, tBridgePort, tRIF, tRoute, tNeighbor, tNextHop, tHostifTrap}
	e.produce(AppVlanTable, set("Vlan10"))
	e.produce(AppVlanMemberTable, set("Vlan10:Ethernet0", "tagging_mode", "untagged"))
	e.produce(AppIntfTable, set("Vlan10"), set("Vlan10:10.0.10.1/24", "family", "IPv4"))
	// Every Vlan10 object, before the snapshot: orchagent consumes each
	// APP_DB table in its own goroutine, so the member row may be applied
	// after the interface's (its bridge port and member a few ms after the
	// router interface and routes).
	vlan10 := func() bool {
		return e.asicCount(tVlan) == 2 && e.asicCount(tBridgePort) == 1 && e.asicCount(tVlanMember) == 1 &&
			e.asicCount(tRIF) == 1 && e.asicCount(tRoute) == 4 && e.asicCount(tHostifTrap) == 1 && e.noOrchErrors()
	}
	e.until("Vlan10 in ASIC_DB", vlan10)
	vlan10Only := e.asicKeys(types...)

	addVlan20 := func() {
		e.produce(AppVlanTable, set("Vlan20"))
		e.produce(AppVlanMemberTable, set("Vlan20:Ethernet4", "tagging_mode", "untagged"))
		e.produce(AppIntfTable, set("Vlan20"), set("Vlan20:10.0.20.1/24", "family", "IPv4"), set("Vlan20:fc00:20::1/64", "family", "IPv6"))
		e.produce(AppNeighTable, set("Vlan20:10.0.20.2", "neigh", "00:00:00:00:20:02", "family", "IPv4"))
		e.produce(AppRouteTable, set("192.168.0.0/16", "nexthop", "10.0.20.2", "ifname", "Vlan20"))
		e.until("Vlan20 objects in ASIC_DB", func() bool {
			return e.asicCount(tVlan) == 3 && e.asicCount(tBridgePort) == 2 && e.asicCount(tVlanMember) == 2 && e.asicCount(tRIF) == 2 &&
				e.asicCount(tNeighbor) == 1 && e.asicCount(tNextHop) == 1 && e.asicCount(tRoute) == 9 && e.noOrchErrors()
		})
	}
	addVlan20()
	// The documented keys and values, as syncd wrote them.
	vlanKey, _ := e.asicFind(tVlan, attrVlanID, "10")
	vlanOID := vlanKey[strings.Index(vlanKey, "oid:"):]
	_, m := e.asicFind(tVlanMember, attrVlanMemberVlan, vlanOID)
	if m[attrVlanMemberTagging] != taggingUntagged || !strings.HasPrefix(m[attrVlanMemberBP], "oid:0x3a") {
		t.Fatalf("VLAN member %v", m)
	}
	bpKey := "ASIC_STATE:SAI_OBJECT_TYPE_BRIDGE_PORT:" + m[attrVlanMemberBP]
	if bp := e.asic.Client.HGetAll(ctx, bpKey).Val(); bp[attrBPType] != bpTypePort || bp[attrBPAdminState] != "true" {
		t.Fatalf("bridge port %v", bp)
	}
	rifKey, rif := e.asicFind(tRIF, attrRIFVlan, vlanOID)
	if rif[attrRIFType] != rifTypeVlan || rif[attrRIFSrcMAC] != "02:11:22:33:44:55" {
		t.Fatalf("RIF %v", rif)
	}
	var subnet, ip2me map[string]string
	for k, v := range e.asicObjects(tRoute) {
		if strings.Contains(k, `{"dest":"10.0.10.0/24","switch_id":"oid:0x21000000000000","vr":"oid:0x`) {
			subnet = v
		}
		if strings.Contains(k, `{"dest":"10.0.10.1/32",`) {
			ip2me = v
		}
	}
	if subnet[attrRouteNextHop] != rifKey[strings.Index(rifKey, "oid:"):] {
		t.Fatalf("subnet route %v", subnet)
	}
	if ip2me[attrRouteAction] != actionForward || !strings.HasPrefix(ip2me[attrRouteNextHop], "oid:0x1") {
		t.Fatalf("IP2ME route %v", ip2me)
	}
	_, nh := e.asicFind(tNextHop, attrNHIP, "10.0.20.2")
	if nh[attrNHType] != nhTypeIP {
		t.Fatalf("next hop %v", nh)
	}
	if e.asicCount(tHostifTrap) != 1 || e.asicCount(tNeighbor) != 1 {
		t.Fatalf("trap/neighbor: %d %d", e.asicCount(tHostifTrap), e.asicCount(tNeighbor))
	}
	if hal.count(tVlanMember) != 2 || hal.count(tRoute) != 9 {
		t.Fatalf("platform holds %d members, %d routes", hal.count(tVlanMember), hal.count(tRoute))
	}

	// Port oper status: platform event → syncd → NOTIFICATIONS → orchagent.
	hal.events <- &halv1.Event{Event: &halv1.Event_PortOperStatus{PortOperStatus: &halv1.PortOperStatusEvent{PortId: hal.ports[1].GetOid(), Up: true}}}
	e.until("Ethernet4 up", func() bool {
		return e.app.Client.HGet(ctx, "PORT_TABLE:Ethernet4", "oper_status").Val() == "up" &&
			e.stateRow("PORT_TABLE|Ethernet4")["oper_status"] == "up"
	})

	// Deleting the rows removes exactly their objects.
	e.produce(AppRouteTable, del("192.168.0.0/16"))
	e.produce(AppNeighTable, del("Vlan20:10.0.20.2"))
	e.produce(AppIntfTable, del("Vlan20:10.0.20.1/24"), del("Vlan20:fc00:20::1/64"), del("Vlan20"))
	e.produce(AppVlanMemberTable, del("Vlan20:Ethernet4"))
	e.produce(AppVlanTable, del("Vlan20"))
	e.until("exactly the Vlan10 objects left", func() bool {
		return strings.Join(e.asicKeys(types...), "\n") == strings.Join(vlan10Only, "\n") && e.noOrchErrors()
	})
	if hal.count(tVlanMember) != 1 || hal.count(tRoute) != 4 || hal.count(tNextHop) != 0 {
		t.Fatalf("platform holds %d members, %d routes, %d next hops", hal.count(tVlanMember), hal.count(tRoute), hal.count(tNextHop))
	}

	// Restart orchagent: the view is replayed and nothing on the platform
	// is removed or re-created.
	addVlan20()
	before := len(e.asicKeys(types...))
	writes := hal.writeCounts()
	views := e.viewApplies()
	e.shutdown()
	e.start()
	e.untilViewApplied(views + 1)
	if got := len(e.asicKeys(types...)); got != before {
		t.Fatalf("ASIC_DB holds %d keys after the restart, %d before: %s", got, before, e.describe())
	}
	if got := hal.writeCounts(); !reflect.DeepEqual(got, writes) {
		t.Fatalf("restart wrote to the platform: writes %v → %v", writes, got)
	}
	if sw := switchRow(); sw[attrSwitchSrcMAC] != "02:11:22:33:44:55" {
		t.Fatalf("switch row after restart %v", sw)
	}
}

// noOrchErrors reports whether no APP_DB row waits or was refused.
func (e *redisEnv) noOrchErrors() bool {
	keys, err := e.state.Client.Keys(context.Background(), "ORCH_ERROR_TABLE|*").Result()
	return err == nil && len(keys) == 0
}

// describe summarises ASIC_DB and the orch errors for a failure message.
func (e *redisEnv) describe() string {
	var sb strings.Builder
	for _, t := range []halv1.ObjectType{tVlan, tVlanMember, tBridgePort, tRIF, tRoute, tNeighbor, tNextHop} {
		fmt.Fprintf(&sb, "%s=%d ", t, e.asicCount(t))
	}
	keys, _ := e.state.Client.Keys(context.Background(), "ORCH_ERROR_TABLE|*").Result()
	for _, k := range keys {
		fmt.Fprintf(&sb, "\n%s %v", k, e.stateRow(k))
	}
	return sb.String()
}
