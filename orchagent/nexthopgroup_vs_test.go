package orchagent

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/vltgw/vltgw/hal/sai"
	"github.com/vltgw/vltgw/platform/vs"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
	"github.com/vltgw/vltgw/syncd"
)

// TestECMPOnTheVirtualSwitch: a ROUTE_TABLE row with two next hops, through
// orchagent, the real syncd and platform/vs: ASIC_DB holds the group, its
// two members and the route pointing at it; routed frames of different
// flows leave by both next hops (rewritten for each), one flow always by
// the same one; one next hop less sends every flow the remaining way; the
// row deleted takes the group away in ASIC_DB and in the platform.
func TestECMPOnTheVirtualSwitch(t *testing.T) {
	sw, sock := startVS(t, "single.yaml")
	e := newStackEnv(t, sock)
	e.produce(AppPortTable, set("Ethernet0", "lanes", "0,1,2,3", "admin_status", "up"),
		set("Ethernet4", "lanes", "4,5,6,7", "admin_status", "up"), set("Ethernet8", "lanes", "8,9,10,11", "admin_status", "up"))
	e.start()
	e.produce(AppVlanTable, set("Vlan10"), set("Vlan20"), set("Vlan30"))
	e.produce(AppVlanMemberTable, set("Vlan10:Ethernet0", "tagging_mode", "untagged"),
		set("Vlan20:Ethernet4", "tagging_mode", "untagged"), set("Vlan30:Ethernet8", "tagging_mode", "untagged"))
	e.produce(AppIntfTable, set("Vlan10"), set("Vlan20"), set("Vlan30"),
		set("Vlan10:10.0.10.1/24", "family", "IPv4"), set("Vlan20:10.0.20.1/24", "family", "IPv4"), set("Vlan30:10.0.30.1/24", "family", "IPv4"))
	e.produce(AppNeighTable, set("Vlan20:10.0.20.2", "neigh", "02:00:00:00:20:02", "family", "IPv4"),
		set("Vlan30:10.0.30.2", "neigh", "02:00:00:00:30:02", "family", "IPv4"))
	e.produce(AppRouteTable, set("192.168.0.0/16", "nexthop", "10.0.20.2,10.0.30.2", "ifname", "Vlan20,Vlan30"))

	var group string
	e.until("group, members and route in ASIC_DB", func() bool {
		groups := e.asicObjects(tNextHopGroup)
		if len(groups) != 1 || e.asicCount(tNextHopGroupMember) != 2 {
			return false
		}
		for k, v := range groups {
			if v[attrNHGType] != sai.NextHopGroupTypeECMP {
				t.Fatalf("group %s %v", k, v)
			}
			group = k[strings.Index(k, "oid:"):]
		}
		return e.asicHas(tRoute, attrRouteNextHop, group)
	})
	for k, v := range e.asicObjects(tNextHopGroupMember) {
		if v[attrNHGMemberGroup] != group || !strings.HasPrefix(v[attrNHGMemberNH], "oid:0x4") {
			t.Fatalf("member %s %v (group %s)", k, v, group)
		}
	}
	e.until("ports oper up", func() bool {
		for _, p := range []string{"Ethernet0", "Ethernet4", "Ethernet8"} {
			if e.stateRow("PORT_TABLE|" + p)["oper_status"] != "up" {
				return false
			}
		}
		return true
	})
	if st := e.stateRow("ORCH_ERROR_TABLE|ROUTE_TABLE:192.168.0.0/16"); len(st) != 0 {
		t.Fatalf("route row error %v", st)
	}

	routerMAC, _ := net.ParseMAC("52:54:00:00:01:01")
	host, _ := net.ParseMAC("02:00:00:00:10:02")
	nhMAC := map[string]string{"Ethernet4": "02:00:00:00:20:02", "Ethernet8": "02:00:00:00:30:02"}
	// send routes one frame of the flow to 192.168.<i>.9 and returns the
	// port it left by, checking the rewrite.
	send := func(i int) string {
		t.Helper()
		in := ipv4Frame(routerMAC, host, net.IPv4(10, 0, 10, 2), net.IPv4(192, 168, byte(i), 9), 64)
		sw.Captured("", true)
		if err := sw.Inject("Ethernet0", in); err != nil {
			t.Fatal(err)
		}
		frames, err := sw.Captured("", true)
		if err != nil {
			t.Fatal(err)
		}
		if len(frames) != 1 {
			_, stages := sw.Counters()
			t.Fatalf("flow %d: %d frames out, want 1; counters %v", i, len(frames), stages)
		}
		f := frames[0]
		if got := net.HardwareAddr(f.Frame[0:6]).String(); got != nhMAC[f.Port] {
			t.Fatalf("flow %d left %s to %s, want that port's next hop %s", i, f.Port, got, nhMAC[f.Port])
		}
		if f.Frame[14+8] != 63 || ipChecksum(f.Frame[14:34]) != 0 || !bytes.Equal(f.Frame[34:], in[34:]) {
			t.Fatalf("flow %d: bad rewrite % x", i, f.Frame[:34])
		}
		return f.Port
	}
	paths := map[string]int{}
	for i := 0; i < 32; i++ {
		paths[send(i)]++
	}
	if paths["Ethernet4"] == 0 || paths["Ethernet8"] == 0 {
		t.Fatalf("32 flows took %v, want both next hops", paths)
	}
	first := send(7)
	for n := 0; n < 10; n++ {
		if p := send(7); p != first {
			t.Fatalf("one flow left by %s then %s", first, p)
		}
	}

	// Weights 7:1 (the route is the group's only user: the members'
	// WEIGHT is set in place) send most flows to 10.0.20.2.
	e.produce(AppRouteTable, set("192.168.0.0/16", "nexthop", "10.0.20.2,10.0.30.2", "ifname", "Vlan20,Vlan30", "weight", "7,1"))
	e.until("weights in ASIC_DB", func() bool { return e.asicHas(tNextHopGroupMember, attrNHGMemberWeight, "7") })
	if !e.asicHas(tRoute, attrRouteNextHop, group) {
		t.Fatal("the route left its group for a weight change")
	}
	weighted := map[string]int{}
	for i := 0; i < 32; i++ {
		weighted[send(i)]++
	}
	if weighted["Ethernet4"] <= weighted["Ethernet8"] || weighted["Ethernet8"] == 0 {
		t.Fatalf("weights 7:1 gave %v", weighted)
	}

	// Down to one next hop: every flow takes it, the group goes.
	e.produce(AppRouteTable, set("192.168.0.0/16", "nexthop", "10.0.30.2", "ifname", "Vlan30"))
	e.until("route on the single next hop, group gone", func() bool {
		return e.asicCount(tNextHopGroup) == 0 && e.asicCount(tNextHopGroupMember) == 0 && !e.asicHas(tRoute, attrRouteNextHop, group)
	})
	for i := 0; i < 8; i++ {
		if p := send(i); p != "Ethernet8" {
			t.Fatalf("flow %d left by %s with one next hop left", i, p)
		}
	}
	// Two again, then deleted: nothing of the group stays in the platform.
	e.produce(AppRouteTable, set("192.168.0.0/16", "nexthop", "10.0.30.2,10.0.20.2", "ifname", "Vlan30,Vlan20"))
	e.until("group back", func() bool { return e.asicCount(tNextHopGroup) == 1 && e.asicCount(tNextHopGroupMember) == 2 })
	e.produce(AppRouteTable, del("192.168.0.0/16"))
	e.until("route and group gone", func() bool {
		return e.asicCount(tNextHopGroup) == 0 && e.asicCount(tNextHopGroupMember) == 0 && e.asicCount(tRoute) == 8
	})
	e.produce(AppNeighTable, del("Vlan20:10.0.20.2"), del("Vlan30:10.0.30.2"))
	e.until("neighbours gone", func() bool { return e.asicCount(tNextHop) == 0 })
	if n := platformCount(t, sw, tNextHopGroup) + platformCount(t, sw, tNextHopGroupMember); n != 0 {
		t.Fatalf("%d next hop group objects left in the platform", n)
	}
	if keys, _ := e.state.Client.Keys(context.Background(), "ORCH_ERROR_TABLE|*").Result(); len(keys) != 0 {
		t.Fatalf("errors left: %v", keys)
	}
}

// TestECMPLinkDownOnTheVirtualSwitch: two next hops on routed ports; a
// link going down on the platform reaches orchagent as an oper status
// notification, its member leaves the group and every flow takes the
// other link; back up, the flows spread again.
func TestECMPLinkDownOnTheVirtualSwitch(t *testing.T) {
	sw, sock := startVS(t, "single.yaml")
	e := newStackEnv(t, sock)
	e.produce(AppPortTable, set("Ethernet0", "lanes", "0,1,2,3", "admin_status", "up"),
		set("Ethernet4", "lanes", "4,5,6,7", "admin_status", "up"), set("Ethernet8", "lanes", "8,9,10,11", "admin_status", "up"))
	e.start()
	e.produce(AppIntfTable, set("Ethernet0"), set("Ethernet4"), set("Ethernet8"), set("Ethernet0:10.0.0.1/24", "family", "IPv4"),
		set("Ethernet4:10.1.0.1/24", "family", "IPv4"), set("Ethernet8:10.2.0.1/24", "family", "IPv4"))
	e.produce(AppNeighTable, set("Ethernet4:10.1.0.2", "neigh", "02:00:00:00:01:02", "family", "IPv4"),
		set("Ethernet8:10.2.0.2", "neigh", "02:00:00:00:02:02", "family", "IPv4"))
	e.produce(AppRouteTable, set("192.168.0.0/16", "nexthop", "10.1.0.2,10.2.0.2", "ifname", "Ethernet4,Ethernet8"))
	e.until("group with two members, ports up", func() bool {
		for _, p := range []string{"Ethernet0", "Ethernet4", "Ethernet8"} {
			if e.stateRow("PORT_TABLE|" + p)["oper_status"] != "up" {
				return false
			}
		}
		return e.asicCount(tNextHopGroup) == 1 && e.asicCount(tNextHopGroupMember) == 2
	})
	routerMAC, _ := net.ParseMAC("52:54:00:00:01:01")
	host, _ := net.ParseMAC("02:00:00:00:00:02")
	spread := func() map[string]int {
		t.Helper()
		out := map[string]int{}
		for i := 0; i < 32; i++ {
			sw.Captured("", true)
			if err := sw.Inject("Ethernet0", ipv4Frame(routerMAC, host, net.IPv4(10, 0, 0, 2), net.IPv4(192, 168, byte(i), 9), 64)); err != nil {
				t.Fatal(err)
			}
			frames, err := sw.Captured("", true)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range frames {
				out[f.Port]++
			}
			if len(frames) == 0 {
				out["dropped"]++
			}
		}
		return out
	}
	if n := spread(); n["Ethernet4"] == 0 || n["Ethernet8"] == 0 || n["Ethernet4"]+n["Ethernet8"] != 32 {
		t.Fatalf("32 flows took %v, want both links", n)
	}
	if err := sw.SetLink("Ethernet8", false); err != nil {
		t.Fatal(err)
	}
	e.until("Ethernet8's member withdrawn", func() bool {
		return e.asicCount(tNextHopGroupMember) == 1 && e.stateRow("ORCH_ERROR_TABLE|ROUTE_TABLE:192.168.0.0/16")["status"] == "pending"
	})
	if n := spread(); n["Ethernet4"] != 32 {
		t.Fatalf("with Ethernet8 down 32 flows took %v, want all by Ethernet4", n)
	}
	if err := sw.SetLink("Ethernet8", true); err != nil {
		t.Fatal(err)
	}
	e.until("Ethernet8's member back", func() bool {
		return e.asicCount(tNextHopGroupMember) == 2 && len(e.stateRow("ORCH_ERROR_TABLE|ROUTE_TABLE:192.168.0.0/16")) == 0
	})
	if n := spread(); n["Ethernet4"] == 0 || n["Ethernet8"] == 0 || n["Ethernet4"]+n["Ethernet8"] != 32 {
		t.Fatalf("after the link came back 32 flows took %v", n)
	}
}

// TestECMPFromConfigDB: STATIC_ROUTE with two next hops written to
// CONFIG_DB with raw HSETs goes through cfgmgrd (which resolves the
// interfaces: ROUTE_TABLE nexthop "a,b" ifname "Vlan20,Vlan30"),
// orchagent, the real syncd and platform/vs, where flows take both paths.
func TestECMPFromConfigDB(t *testing.T) {
	sw, sock := startVS(t, "single.yaml")
	e := newStackEnv(t, sock)
	ctx := context.Background()
	c := e.srv.Client(4)
	hset := func(key string, fv ...any) {
		t.Helper()
		if err := c.HSet(ctx, key, fv...).Err(); err != nil {
			t.Fatal(err)
		}
	}
	hset("DEVICE_METADATA|localhost", "mac", "52:54:00:00:01:01", "hostname", "vltgw-ecmp")
	e.start()
	e.startCfgmgr()
	for i, p := range []string{"Ethernet0", "Ethernet4", "Ethernet8"} {
		hset("PORT|"+p, "lanes", strings.Join([]string{itoa(4 * i), itoa(4*i + 1), itoa(4*i + 2), itoa(4*i + 3)}, ","), "admin_status", "up", "speed", "100000")
	}
	for i, v := range []string{"10", "20", "30"} {
		hset("VLAN|Vlan"+v, "vlanid", v)
		hset("VLAN_MEMBER|Vlan"+v+"|Ethernet"+itoa(4*i), "tagging_mode", "untagged")
		hset("VLAN_INTERFACE|Vlan"+v, "NULL", "NULL")
		hset("VLAN_INTERFACE|Vlan"+v+"|10.0."+v+".1/24", "NULL", "NULL")
	}
	hset("NEIGH|Vlan20|10.0.20.2", "neigh", "02:00:00:00:20:02", "family", "IPv4")
	hset("NEIGH|Vlan30|10.0.30.2", "neigh", "02:00:00:00:30:02", "family", "IPv4")
	hset("STATIC_ROUTE|192.168.0.0/16", "nexthop", "10.0.20.2,10.0.30.2")

	e.until("ROUTE_TABLE row with both next hops", func() bool {
		r := e.app.Client.HGetAll(ctx, "ROUTE_TABLE:192.168.0.0/16").Val()
		return r["nexthop"] == "10.0.20.2,10.0.30.2" && r["ifname"] == "Vlan20,Vlan30"
	})
	e.until("the group in ASIC_DB and ports up", func() bool {
		for _, p := range []string{"Ethernet0", "Ethernet4", "Ethernet8"} {
			if e.stateRow("PORT_TABLE|" + p)["oper_status"] != "up" {
				return false
			}
		}
		got := ecmpPaths(e)
		return got["192.168.0.0/16"] == "10.0.20.2,10.0.30.2"
	})
	routerMAC, _ := net.ParseMAC("52:54:00:00:01:01")
	host, _ := net.ParseMAC("02:00:00:00:10:02")
	paths := map[string]int{}
	for i := 0; i < 32; i++ {
		sw.Captured("", true)
		if err := sw.Inject("Ethernet0", ipv4Frame(routerMAC, host, net.IPv4(10, 0, 10, 2), net.IPv4(192, 168, 1, byte(i)), 64)); err != nil {
			t.Fatal(err)
		}
		frames, err := sw.Captured("", true)
		if err != nil {
			t.Fatal(err)
		}
		if len(frames) != 1 {
			_, stages := sw.Counters()
			t.Fatalf("flow %d: %d frames out; counters %v", i, len(frames), stages)
		}
		paths[frames[0].Port]++
	}
	if paths["Ethernet4"] == 0 || paths["Ethernet8"] == 0 {
		t.Fatalf("32 flows took %v, want both next hops", paths)
	}
	// The STATIC_ROUTE row deleted: route and group go.
	c.Del(ctx, "STATIC_ROUTE|192.168.0.0/16")
	e.until("route and group gone", func() bool {
		return len(ecmpPaths(e)) == 0 && e.asicCount(tNextHopGroup) == 0 && e.asicCount(tNextHopGroupMember) == 0
	})
}

// platformCount is the platform's use of a table.
func platformCount(t *testing.T, sw *vs.Switch, typ halv1.ObjectType) int {
	t.Helper()
	for _, tb := range sw.Capabilities().GetTables() {
		if tb.GetType() == typ {
			return int(tb.GetUsed())
		}
	}
	t.Fatalf("platform has no %v table", typ)
	return 0
}

// ecmpPaths maps each route prefix pointing at a NEXT_HOP_GROUP to the
// next hop IPs of the group's members, sorted, as ASIC_DB holds them.
func ecmpPaths(e *stackEnv) map[string]string {
	nhIP := map[string]string{}
	for k, v := range e.asicObjects(tNextHop) {
		nhIP[k[strings.Index(k, "oid:"):]] = v[attrNHIP]
	}
	members := map[string][]string{}
	for _, v := range e.asicObjects(tNextHopGroupMember) {
		members[v[attrNHGMemberGroup]] = append(members[v[attrNHGMemberGroup]], nhIP[v[attrNHGMemberNH]])
	}
	out := map[string]string{}
	for k, v := range e.asicObjects(tRoute) {
		if m, ok := members[v[attrRouteNextHop]]; ok {
			sortStrings(m)
			dest := k[strings.Index(k, `"dest":"`)+8:]
			out[dest[:strings.Index(dest, `"`)]] = strings.Join(m, ",")
		}
	}
	return out
}

// TestECMPRestart: orchagent restarts with next hop groups in place. With
// one group, then with two (all groups are TYPE ECMP: syncd matches each
// by the next hops of its members, as sairedis' ComparisonLogic does),
// the replayed view matches what the platform holds: APPLY_VIEW makes no
// platform write at all, and the paths are the same.
func TestECMPRestart(t *testing.T) {
	hal := newHalFake()
	e := newStackEnv(t, serveHalFake(t, hal))
	e.produce(AppPortTable, set("Ethernet0", "lanes", "0,1,2,3", "admin_status", "up"), set("Ethernet4", "lanes", "4,5,6,7", "admin_status", "up"))
	e.start()
	e.produce(AppVlanTable, set("Vlan10"), set("Vlan20"))
	e.produce(AppVlanMemberTable, set("Vlan10:Ethernet0", "tagging_mode", "untagged"), set("Vlan20:Ethernet4", "tagging_mode", "untagged"))
	e.produce(AppIntfTable, set("Vlan10"), set("Vlan20"), set("Vlan10:10.0.10.1/24", "family", "IPv4"), set("Vlan20:10.0.20.1/24", "family", "IPv4"))
	e.produce(AppNeighTable, set("Vlan10:10.0.10.2", "neigh", "02:00:00:00:10:02", "family", "IPv4"),
		set("Vlan20:10.0.20.2", "neigh", "02:00:00:00:20:02", "family", "IPv4"), set("Vlan20:10.0.20.3", "neigh", "02:00:00:00:20:03", "family", "IPv4"))
	e.produce(AppRouteTable, set("192.168.0.0/16", "nexthop", "10.0.10.2,10.0.20.2", "ifname", "Vlan10,Vlan20"),
		set("192.170.0.0/16", "nexthop", "10.0.20.2,10.0.10.2", "ifname", "Vlan20,Vlan10"))
	settled := func() bool {
		keys, _ := e.state.Client.Keys(context.Background(), "ORCH_ERROR_TABLE|*").Result()
		return len(keys) == 0 && e.asicCount(tVlanMember) == 2 && e.asicCount(tRIF) == 2 && e.asicCount(tNeighbor) == 3
	}
	e.until("everything applied: one group, two members", func() bool {
		return settled() && e.asicCount(tNextHopGroup) == 1 && e.asicCount(tNextHopGroupMember) == 2 && e.asicCount(tRoute) == 8
	})
	types := []halv1.ObjectType{tRoute, tNextHop, tNextHopGroup, tNextHopGroupMember}
	before := e.asicKeys(types...)
	writes := hal.writeCounts()
	views := e.viewApplies()
	e.shutdown()
	e.start()
	e.untilViewApplied(views + 1)
	if got := e.asicKeys(types...); len(got) != len(before) {
		t.Fatalf("ASIC_DB holds %d route/next hop/group keys after the restart, %d before", len(got), len(before))
	}
	if got := hal.writeCounts(); !reflect.DeepEqual(got, writes) {
		t.Fatalf("restart wrote to the platform: writes %v → %v", writes, got)
	}
	if got := ecmpPaths(e); len(got) != 2 || got["192.168.0.0/16"] != "10.0.10.2,10.0.20.2" || got["192.170.0.0/16"] != "10.0.10.2,10.0.20.2" {
		t.Fatalf("paths after the restart %v", got)
	}

	e.produce(AppRouteTable, set("192.169.0.0/16", "nexthop", "10.0.20.2,10.0.20.3", "ifname", "Vlan20,Vlan20"))
	e.until("two groups, four members", func() bool {
		return e.asicCount(tNextHopGroup) == 2 && e.asicCount(tNextHopGroupMember) == 4 && e.asicCount(tRoute) == 9
	})
	want := map[string]string{"192.168.0.0/16": "10.0.10.2,10.0.20.2", "192.169.0.0/16": "10.0.20.2,10.0.20.3", "192.170.0.0/16": "10.0.10.2,10.0.20.2"}
	if got := ecmpPaths(e); len(got) != 3 || got["192.168.0.0/16"] != want["192.168.0.0/16"] || got["192.169.0.0/16"] != want["192.169.0.0/16"] {
		t.Fatalf("paths %v", got)
	}
	writes = hal.writeCounts()
	views = e.viewApplies()
	e.shutdown()
	e.start()
	e.untilViewApplied(views + 1)
	e.until("the same paths after the restart", func() bool {
		got := ecmpPaths(e)
		return len(got) == 3 && got["192.168.0.0/16"] == want["192.168.0.0/16"] && got["192.169.0.0/16"] == want["192.169.0.0/16"] &&
			got["192.170.0.0/16"] == want["192.170.0.0/16"] && e.asicCount(tNextHopGroup) == 2 && e.asicCount(tNextHopGroupMember) == 4
	})
	if hal.count(tNextHopGroup) != 2 || hal.count(tNextHopGroupMember) != 4 {
		t.Fatalf("platform holds %d groups, %d members", hal.count(tNextHopGroup), hal.count(tNextHopGroupMember))
	}
	if got := hal.writeCounts(); !reflect.DeepEqual(got, writes) {
		t.Fatalf("restart with two groups wrote to the platform: writes %v → %v", writes, got)
	}
}

// viewApplies is the number of views syncd has applied (orchagent sends
// INIT_VIEW/APPLY_VIEW at every start).
func (e *stackEnv) viewApplies() int {
	e.t.Helper()
	n, _ := strconv.Atoi(e.state.Client.HGet(context.Background(), syncd.StatsKey, "view_applies").Val())
	return n
}

// untilViewApplied waits until syncd has applied its n-th view (its
// counters are written after the view's platform writes and ASIC_DB).
func (e *stackEnv) untilViewApplied(n int) {
	e.t.Helper()
	e.until(fmt.Sprintf("APPLY_VIEW %d done", n), func() bool { return e.viewApplies() >= n })
}
