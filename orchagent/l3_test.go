package orchagent

import (
	"strings"
	"testing"

	"github.com/vltgw/vltgw/orchagent/sairedis"
)

// l3 sets up Vlan10 (Ethernet0) and Vlan20 (Ethernet4) with addresses.
func l3(t *testing.T) *harness {
	h := newHarness(t)
	h.ports(2)
	h.set(AppVlanTable, "Vlan10")
	h.set(AppVlanTable, "Vlan20")
	h.set(AppVlanMemberTable, "Vlan10:Ethernet0", "tagging_mode", "untagged")
	h.set(AppVlanMemberTable, "Vlan20:Ethernet4", "tagging_mode", "untagged")
	h.set(AppIntfTable, "Vlan10")
	h.set(AppIntfTable, "Vlan20", "mac_addr", "02:aa:bb:cc:dd:ee")
	h.set(AppIntfTable, "Vlan10:10.0.10.1/24", "scope", "global", "family", "IPv4")
	h.set(AppIntfTable, "Vlan20:10.0.20.1/24", "scope", "global", "family", "IPv4")
	h.set(AppIntfTable, "Vlan20:fc00:20::1/64", "scope", "global", "family", "IPv6")
	return h
}

func routeOf(h *harness, dest string) (string, map[string]string, bool) {
	for k, v := range h.asic.of(tRoute) {
		if strings.Contains(k, `"dest":"`+dest+`"`) {
			return k, v, true
		}
	}
	return "", nil, false
}

func wantRoute(h *harness, dest string) map[string]string {
	h.t.Helper()
	_, v, ok := routeOf(h, dest)
	if !ok {
		h.t.Fatalf("no route %s\n%s", dest, h.asic.dump())
	}
	return v
}

func oidOf(key string) string { return key[strings.Index(key, "oid:"):] }

func TestRouterInterfacesAndConnectedRoutes(t *testing.T) {
	h := l3(t)
	h.wantCount(tRIF, 2)
	vlan10Key, _ := h.find(tVlan, attrVlanID, "10")
	rif10Key, rif10 := h.find(tRIF, attrRIFVlan, oidOf(vlan10Key))
	if rif10[attrRIFType] != rifTypeVlan || rif10[attrRIFSrcMAC] != "02:42:AC:11:00:02" || rif10[attrRIFVR] != h.asic.sw[attrSwitchDefaultVR] {
		t.Fatalf("Vlan10 RIF %v", rif10)
	}
	if _, rif20 := h.find(tRIF, attrRIFSrcMAC, "02:AA:BB:CC:DD:EE"); rif20[attrRIFType] != rifTypeVlan {
		t.Fatalf("Vlan20 RIF %v", rif20)
	}
	ip2me := wantRoute(h, "10.0.10.1/32")
	if ip2me[attrRouteAction] != actionForward || ip2me[attrRouteNextHop] != h.asic.sw[attrSwitchCPUPort] {
		t.Fatalf("IP2ME %v", ip2me)
	}
	if sub := wantRoute(h, "10.0.10.0/24"); sub[attrRouteNextHop] != oidOf(rif10Key) {
		t.Fatalf("subnet %v", sub)
	}
	wantRoute(h, "fc00:20::1/128")
	wantRoute(h, "fc00:20::/64")
	if got := h.a.env.Intfs.L3Vlans(); len(got) != 2 || got[0] != 10 || got[1] != 20 {
		t.Fatalf("L3 VLANs %v", got)
	}
	// A routed interface cannot be a VLAN member and the other way round.
	h.set(AppPortTable, "Ethernet8", "lanes", "8,9,10,11")
	h.set(AppIntfTable, "Ethernet8")
	h.set(AppVlanMemberTable, "Vlan10:Ethernet8")
	h.wantError("VLAN_MEMBER_TABLE:Vlan10:Ethernet8", StatusConflict, "routed interface")
	if _, attrs := h.find(tRIF, attrRIFPort, sairedis.FormatOID(h.asic.portID(2))); attrs[attrRIFType] != rifTypePort {
		t.Fatalf("port RIF %v", attrs)
	}
	// Deleting an interface waits for its addresses; deleting addresses
	// removes exactly their routes.
	before := h.count(tRoute)
	h.del(AppIntfTable, "Vlan20")
	h.wantError("INTF_TABLE:Vlan20", StatusPending, "still has addresses")
	h.del(AppIntfTable, "Vlan20:fc00:20::1/64")
	h.del(AppIntfTable, "Vlan20:10.0.20.1/24")
	h.wantNoError("INTF_TABLE:Vlan20")
	if got := h.count(tRoute); got != before-4 {
		t.Fatalf("%d routes, want %d", got, before-4)
	}
	h.wantCount(tRIF, 2)
	// The VLAN went free of its interface.
	h.del(AppVlanMemberTable, "Vlan20:Ethernet4")
	h.del(AppVlanTable, "Vlan20")
	h.wantNoError("VLAN_TABLE:Vlan20")
}

func TestInterfaceBadInput(t *testing.T) {
	h := l3(t)
	h.set(AppIntfTable, "Vlan10:10.0.10.300/24")
	h.wantError("INTF_TABLE:Vlan10:10.0.10.300/24", StatusInvalid, "bad prefix")
	h.set(AppIntfTable, "Vlan10:banana")
	h.wantError("INTF_TABLE:Vlan10:banana", StatusInvalid, "bad prefix")
	// Duplicate IP on another interface: refused with a clear reason.
	h.set(AppIntfTable, "Vlan20:10.0.10.1/24")
	h.wantError("INTF_TABLE:Vlan20:10.0.10.1/24", StatusConflict, "duplicate IP: 10.0.10.1 is already configured by INTF_TABLE:Vlan10:10.0.10.1/24")
	// Same subnet elsewhere: refused too.
	h.set(AppIntfTable, "Vlan20:10.0.10.2/24")
	h.wantError("INTF_TABLE:Vlan20:10.0.10.2/24", StatusConflict, "subnet 10.0.10.0/24 already belongs to INTF_TABLE:Vlan10:10.0.10.1/24")
	h.set(AppIntfTable, "Vlan30")
	h.wantError("INTF_TABLE:Vlan30", StatusPending, "VLAN Vlan30 does not exist")
	h.set(AppIntfTable, "Vlan40:10.0.40.1/24")
	h.wantError("INTF_TABLE:Vlan40:10.0.40.1/24", StatusPending, "interface Vlan40 does not exist")
	h.set(AppIntfTable, "Loopback0")
	h.wantError("INTF_TABLE:Loopback0", StatusInvalid, "want VlanN, EthernetN or PortChannelN")
	h.set(AppIntfTable, "Vlan10", "mac_addr", "zz")
	h.wantError("INTF_TABLE:Vlan10", StatusInvalid, "mac_addr")
	// The existing interfaces and routes are untouched.
	h.wantCount(tRIF, 2)
	wantRoute(h, "10.0.10.0/24")
	// When the owner goes, the duplicate applies.
	h.del(AppIntfTable, "Vlan10:10.0.10.1/24")
	h.wantNoError("INTF_TABLE:Vlan20:10.0.10.1/24")
	if st, _, _ := h.errorOf("INTF_TABLE:Vlan20:10.0.10.2/24"); st != StatusConflict {
		t.Fatalf("the second duplicate must still conflict (with Vlan20's own subnet): %q", st)
	}
}

func TestNeighborsAndRoutes(t *testing.T) {
	h := l3(t)
	// Route before its neighbour: pending.
	h.set(AppRouteTable, "192.168.0.0/16", "nexthop", "10.0.20.2", "ifname", "Vlan20")
	h.wantError("ROUTE_TABLE:192.168.0.0/16", StatusPending, "next hop 10.0.20.2 on Vlan20 is not a resolved neighbor")
	h.set(AppNeighTable, "Vlan20:10.0.20.2", "neigh", "00:11:22:33:44:55", "family", "IPv4")
	h.wantNoError("ROUTE_TABLE:192.168.0.0/16")
	neighKey, neigh := "", map[string]string(nil)
	for k, v := range h.asic.of(tNeighbor) {
		neighKey, neigh = k, v
	}
	if !strings.Contains(neighKey, `"ip":"10.0.20.2"`) || neigh[attrNeighDstMAC] != "00:11:22:33:44:55" {
		t.Fatalf("neighbor %s %v", neighKey, neigh)
	}
	nhKey, nh := h.find(tNextHop, attrNHIP, "10.0.20.2")
	if nh[attrNHType] != nhTypeIP || !strings.Contains(neighKey, `"rif":"`+nh[attrNHRIF]+`"`) {
		t.Fatalf("next hop %v", nh)
	}
	if r := wantRoute(h, "192.168.0.0/16"); r[attrRouteNextHop] != oidOf(nhKey) {
		t.Fatalf("route %v", r)
	}
	// MAC move: set on the neighbour entry.
	h.set(AppNeighTable, "Vlan20:10.0.20.2", "neigh", "00:11:22:33:44:66", "family", "IPv4")
	for _, v := range h.asic.of(tNeighbor) {
		if v[attrNeighDstMAC] != "00:11:22:33:44:66" {
			t.Fatalf("MAC not updated: %v", v)
		}
	}
	// Blackhole, directly attached, default route.
	h.set(AppRouteTable, "10.99.0.0/16", "blackhole", "true")
	if r := wantRoute(h, "10.99.0.0/16"); r[attrRouteAction] != actionDrop {
		t.Fatalf("blackhole %v", r)
	}
	h.set(AppRouteTable, "10.98.0.0/16", "nexthop", "0.0.0.0", "ifname", "Vlan10")
	rif10, _ := h.find(tRIF, attrRIFSrcMAC, "02:42:AC:11:00:02")
	if r := wantRoute(h, "10.98.0.0/16"); r[attrRouteNextHop] != oidOf(rif10) {
		t.Fatalf("attached route %v", r)
	}
	h.set(AppRouteTable, "0.0.0.0/0", "nexthop", "10.0.20.2", "ifname", "Vlan20")
	if r := wantRoute(h, "0.0.0.0/0"); r[attrRouteAction] != actionForward || r[attrRouteNextHop] != oidOf(nhKey) {
		t.Fatalf("default route %v", r)
	}
	// The neighbour cannot go while routes use it.
	h.del(AppNeighTable, "Vlan20:10.0.20.2")
	h.wantError("NEIGH_TABLE:Vlan20:10.0.20.2", StatusPending, "is the next hop of ROUTE_TABLE:0.0.0.0/0, ROUTE_TABLE:192.168.0.0/16")
	h.del(AppRouteTable, "192.168.0.0/16")
	h.del(AppRouteTable, "0.0.0.0/0")
	h.wantNoError("NEIGH_TABLE:Vlan20:10.0.20.2")
	if r := wantRoute(h, "0.0.0.0/0"); r[attrRouteAction] != actionDrop || r[attrRouteNextHop] != "oid:0x0" {
		t.Fatalf("default route after delete %v", r)
	}
	if _, _, ok := routeOf(h, "192.168.0.0/16"); ok {
		t.Fatal("route not removed")
	}
	h.wantCount(tNeighbor, 0)
	h.wantCount(tNextHop, 0)
}

func TestRouteBadInput(t *testing.T) {
	h := l3(t)
	h.set(AppNeighTable, "Vlan20:10.0.20.2", "neigh", "00:11:22:33:44:55")
	h.set(AppNeighTable, "Vlan20:10.0.20.3", "neigh", "00:11:22:33:44:56")
	cases := []struct{ key, reason string }{
		{"10.1.0.1/16", "host bits set"},
		{"10.1.0.0/33", "bad prefix"},
		{"banana", "bad prefix"},
		{"Vrf-red:10.2.0.0/16", "only the default VRF"},
	}
	for _, c := range cases {
		h.set(AppRouteTable, c.key, "nexthop", "10.0.20.2", "ifname", "Vlan20")
		h.wantError("ROUTE_TABLE:"+c.key, StatusInvalid, c.reason)
	}
	h.set(AppRouteTable, "10.3.0.0/16", "nexthop", "10.0.20.2,10.0.20.3", "ifname", "Vlan20")
	h.wantError("ROUTE_TABLE:10.3.0.0/16", StatusInvalid, "1 ifname(s) for 2 nexthop(s)")
	h.set(AppRouteTable, "10.3.0.0/16", "nexthop", "10.0.20.2,fc00::3", "ifname", "Vlan20,Vlan20")
	h.wantError("ROUTE_TABLE:10.3.0.0/16", StatusInvalid, "nexthop fc00::3 is not of the family")
	h.set(AppRouteTable, "10.3.0.0/16", "nexthop", "0.0.0.0,0.0.0.0", "ifname", "Vlan10,Vlan20")
	h.wantError("ROUTE_TABLE:10.3.0.0/16", StatusInvalid, "ECMP over directly attached interfaces is not supported")
	h.wantCount(tNextHopGroup, 0)
	h.set(AppRouteTable, "10.4.0.0/16", "nexthop", "fc00::1", "ifname", "Vlan20")
	h.wantError("ROUTE_TABLE:10.4.0.0/16", StatusInvalid, "not of the family")
	h.set(AppRouteTable, "10.0.20.0/24", "nexthop", "10.0.20.2", "ifname", "Vlan20")
	h.wantError("ROUTE_TABLE:10.0.20.0/24", StatusConflict, "owned by INTF_TABLE:Vlan20:10.0.20.1/24")
	h.set(AppNeighTable, "Vlan20:10.0.20.999", "neigh", "00:11:22:33:44:55")
	h.wantError("NEIGH_TABLE:Vlan20:10.0.20.999", StatusInvalid, "bad IP")
	h.set(AppNeighTable, "Vlan20:10.0.20.9", "neigh", "not-a-mac")
	h.wantError("NEIGH_TABLE:Vlan20:10.0.20.9", StatusInvalid, "not a MAC address")
	// Good rows still flow.
	h.set(AppRouteTable, "10.5.0.0/16", "nexthop", "10.0.20.3")
	h.wantNoError("ROUTE_TABLE:10.5.0.0/16")
	wantRoute(h, "10.5.0.0/16")
}
