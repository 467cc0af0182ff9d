package orchagent

import (
	"strings"
	"testing"

	"github.com/vltgw/vltgw/hal/sai"
	"github.com/vltgw/vltgw/orchagent/sairedis"
)

// ecmpL3 is l3 with neighbours 10.0.10.2 (Vlan10), 10.0.20.2 and
// 10.0.20.3 (Vlan20) resolved.
func ecmpL3(t *testing.T) *harness {
	h := l3(t)
	h.set(AppNeighTable, "Vlan10:10.0.10.2", "neigh", "00:00:00:00:10:02", "family", "IPv4")
	h.set(AppNeighTable, "Vlan20:10.0.20.2", "neigh", "00:00:00:00:20:02", "family", "IPv4")
	h.set(AppNeighTable, "Vlan20:10.0.20.3", "neigh", "00:00:00:00:20:03", "family", "IPv4")
	return h
}

// nhOID is the VID of the NEXT_HOP of a neighbour IP.
func nhOID(h *harness, ip string) string {
	h.t.Helper()
	k, _ := h.find(tNextHop, attrNHIP, ip)
	return oidOf(k)
}

// groupMembers maps each NEXT_HOP_GROUP VID to the next hop VIDs of its
// members (sorted), checking every group has TYPE ECMP.
func groupMembers(h *harness) map[string][]string {
	h.t.Helper()
	out := map[string][]string{}
	for k, v := range h.asic.of(tNextHopGroup) {
		if v[attrNHGType] != sai.NextHopGroupTypeECMP {
			h.t.Fatalf("group %s %v", k, v)
		}
		out[oidOf(k)] = nil
	}
	for k, v := range h.asic.of(tNextHopGroupMember) {
		g := v[attrNHGMemberGroup]
		if _, ok := out[g]; !ok {
			h.t.Fatalf("member %s of unknown group %s", k, g)
		}
		out[g] = append(out[g], v[attrNHGMemberNH])
	}
	for g := range out {
		sortStrings(out[g])
	}
	return out
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func sameSet(got []string, want ...string) bool {
	sortStrings(want)
	return strings.Join(got, " ") == strings.Join(want, " ")
}

// opsSince returns the ASIC ops logged after mark that mention what.
func opsSince(h *harness, mark int, what string) []string {
	var out []string
	for _, op := range h.asic.ops[mark:] {
		if strings.Contains(op, what) {
			out = append(out, op)
		}
	}
	return out
}

// TestECMPRouteLifecycle: a ROUTE_TABLE row with two next hops becomes a
// NEXT_HOP_GROUP with a member per resolved neighbour; routes with the
// same set share it; set changes update members in place when the route
// is the group's only user; the last route out removes the group.
func TestECMPRouteLifecycle(t *testing.T) {
	h := ecmpL3(t)
	nh10, nh20, nh21 := nhOID(h, "10.0.10.2"), nhOID(h, "10.0.20.2"), nhOID(h, "10.0.20.3")

	h.set(AppRouteTable, "10.3.0.0/16", "nexthop", "10.0.10.2,10.0.20.2", "ifname", "Vlan10,Vlan20")
	h.wantNoError("ROUTE_TABLE:10.3.0.0/16")
	groups := groupMembers(h)
	if len(groups) != 1 {
		t.Fatalf("groups %v\n%s", groups, h.asic.dump())
	}
	var gA string
	for g, m := range groups {
		gA = g
		if !sameSet(m, nh10, nh20) {
			t.Fatalf("members %v, want %s %s", m, nh10, nh20)
		}
	}
	if r := wantRoute(h, "10.3.0.0/16"); r[attrRouteNextHop] != gA {
		t.Fatalf("route %v, want NEXT_HOP_ID %s", r, gA)
	}

	// The same set in another order (and a duplicate): the same group.
	h.set(AppRouteTable, "10.4.0.0/16", "nexthop", "10.0.20.2,10.0.10.2,10.0.20.2", "ifname", "Vlan20,Vlan10,Vlan20")
	h.wantNoError("ROUTE_TABLE:10.4.0.0/16")
	if r := wantRoute(h, "10.4.0.0/16"); r[attrRouteNextHop] != gA {
		t.Fatalf("second route %v, want the shared group %s", r, gA)
	}
	h.wantCount(tNextHopGroup, 1)
	h.wantCount(tNextHopGroupMember, 2)

	// A member's neighbour cannot go while routes use the group.
	h.del(AppNeighTable, "Vlan10:10.0.10.2")
	h.wantError("NEIGH_TABLE:Vlan10:10.0.10.2", StatusPending, "is the next hop of ROUTE_TABLE:10.3.0.0/16, ROUTE_TABLE:10.4.0.0/16")
	h.set(AppNeighTable, "Vlan10:10.0.10.2", "neigh", "00:00:00:00:10:02", "family", "IPv4")
	h.wantNoError("NEIGH_TABLE:Vlan10:10.0.10.2")

	// 10.4 changes its set while the group is shared: it moves to a new
	// group with one SET; 10.3 keeps the old one untouched.
	mark := len(h.asic.ops)
	h.set(AppRouteTable, "10.4.0.0/16", "nexthop", "10.0.10.2,10.0.20.3", "ifname", "Vlan10,Vlan20")
	h.wantNoError("ROUTE_TABLE:10.4.0.0/16")
	groups = groupMembers(h)
	gB := wantRoute(h, "10.4.0.0/16")[attrRouteNextHop]
	if len(groups) != 2 || gB == gA || !sameSet(groups[gB], nh10, nh21) || !sameSet(groups[gA], nh10, nh20) {
		t.Fatalf("groups %v, 10.4 on %s", groups, gB)
	}
	if ops := opsSince(h, mark, "ROUTE_ENTRY"); len(ops) != 1 || !strings.HasPrefix(ops[0], "set ") {
		t.Fatalf("route ops %v, want one set", ops)
	}

	// 10.4 is gB's only user: a new set changes gB's members in place
	// (added before removed), the route entry is not touched.
	mark = len(h.asic.ops)
	h.set(AppRouteTable, "10.4.0.0/16", "nexthop", "10.0.20.2,10.0.20.3", "ifname", "Vlan20,Vlan20")
	h.wantNoError("ROUTE_TABLE:10.4.0.0/16")
	groups = groupMembers(h)
	if len(groups) != 2 || !sameSet(groups[gB], nh20, nh21) || wantRoute(h, "10.4.0.0/16")[attrRouteNextHop] != gB {
		t.Fatalf("groups %v after the in-place change", groups)
	}
	ops := h.asic.ops[mark:]
	if len(ops) != 2 || !strings.HasPrefix(ops[0], "create SAI_OBJECT_TYPE_NEXT_HOP_GROUP_MEMBER") ||
		!strings.HasPrefix(ops[1], "remove SAI_OBJECT_TYPE_NEXT_HOP_GROUP_MEMBER") {
		t.Fatalf("ops %v, want one member created then one removed", ops)
	}

	// To a set that already has a group: 10.4 joins gA, gB goes.
	h.set(AppRouteTable, "10.4.0.0/16", "nexthop", "10.0.10.2,10.0.20.2", "ifname", "Vlan10,Vlan20")
	if r := wantRoute(h, "10.4.0.0/16"); r[attrRouteNextHop] != gA {
		t.Fatalf("10.4 %v, want back on %s", r, gA)
	}
	h.wantCount(tNextHopGroup, 1)
	h.wantCount(tNextHopGroupMember, 2)

	// Down to one next hop: the route points at the NEXT_HOP; with both
	// routes off it, the group and its members go.
	h.set(AppRouteTable, "10.4.0.0/16", "nexthop", "10.0.20.3", "ifname", "Vlan20")
	if r := wantRoute(h, "10.4.0.0/16"); r[attrRouteNextHop] != nh21 {
		t.Fatalf("10.4 %v, want %s", r, nh21)
	}
	h.wantCount(tNextHopGroup, 1)
	h.del(AppRouteTable, "10.3.0.0/16")
	h.wantNoError("ROUTE_TABLE:10.3.0.0/16")
	h.wantCount(tNextHopGroup, 0)
	h.wantCount(tNextHopGroupMember, 0)

	// From one next hop back to two; blackhole; two again; deleted.
	h.set(AppRouteTable, "10.4.0.0/16", "nexthop", "10.0.20.3,10.0.10.2", "ifname", "Vlan20,Vlan10")
	gC := wantRoute(h, "10.4.0.0/16")[attrRouteNextHop]
	if groups := groupMembers(h); len(groups) != 1 || !sameSet(groups[gC], nh10, nh21) {
		t.Fatalf("groups %v, route on %s", groups, gC)
	}
	h.set(AppRouteTable, "10.4.0.0/16", "blackhole", "true")
	if r := wantRoute(h, "10.4.0.0/16"); r[attrRouteAction] != actionDrop || r[attrRouteNextHop] != "oid:0x0" {
		t.Fatalf("blackhole %v", r)
	}
	h.wantCount(tNextHopGroup, 0)
	h.set(AppRouteTable, "10.4.0.0/16", "nexthop", "10.0.20.3,10.0.10.2", "ifname", "Vlan20,Vlan10")
	if r := wantRoute(h, "10.4.0.0/16"); r[attrRouteAction] != actionForward || sairedis.VIDType(mustOID(t, r[attrRouteNextHop])) != tNextHopGroup {
		t.Fatalf("forwarding again %v", r)
	}
	h.del(AppRouteTable, "10.4.0.0/16")
	h.wantCount(tNextHopGroup, 0)
	h.wantCount(tNextHopGroupMember, 0)
	// Nothing holds the neighbours any more.
	for _, k := range []string{"Vlan10:10.0.10.2", "Vlan20:10.0.20.2", "Vlan20:10.0.20.3"} {
		h.del(AppNeighTable, k)
		h.wantNoError("NEIGH_TABLE:" + k)
	}
	h.wantCount(tNextHop, 0)
	if len(h.errorKeys()) != 0 {
		t.Fatalf("errors left: %v", h.errorKeys())
	}
}

func mustOID(t *testing.T, s string) uint64 {
	t.Helper()
	v, err := sairedis.ParseOID(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestECMPUnresolvedNextHops: with no neighbour the row waits; with some,
// the group is made of the resolved ones and the row stays pending naming
// the others; each neighbour that appears joins the group.
func TestECMPUnresolvedNextHops(t *testing.T) {
	h := l3(t)
	const key = "ROUTE_TABLE:10.3.0.0/16"
	h.set(AppRouteTable, "10.3.0.0/16", "nexthop", "10.0.10.2,10.0.20.2,10.0.20.3", "ifname", "Vlan10,Vlan20,Vlan20")
	h.wantError(key, StatusPending, "none of the next hops 10.0.10.2@Vlan10,10.0.20.2@Vlan20,10.0.20.3@Vlan20 is a resolved neighbor")
	h.wantCount(tNextHopGroup, 0)
	if _, _, ok := routeOf(h, "10.3.0.0/16"); ok {
		t.Fatal("route installed without any next hop")
	}

	h.set(AppNeighTable, "Vlan20:10.0.20.2", "neigh", "00:00:00:00:20:02", "family", "IPv4")
	h.wantError(key, StatusPending, "next hop(s) 10.0.10.2@Vlan10,10.0.20.3@Vlan20 not resolved neighbors yet; forwarding over 1 of 3")
	g := wantRoute(h, "10.3.0.0/16")[attrRouteNextHop]
	if groups := groupMembers(h); len(groups) != 1 || !sameSet(groups[g], nhOID(h, "10.0.20.2")) {
		t.Fatalf("groups %v, route on %s", groups, g)
	}

	h.set(AppNeighTable, "Vlan10:10.0.10.2", "neigh", "00:00:00:00:10:02", "family", "IPv4")
	h.wantError(key, StatusPending, "forwarding over 2 of 3")
	h.set(AppNeighTable, "Vlan20:10.0.20.3", "neigh", "00:00:00:00:20:03", "family", "IPv4")
	h.wantNoError(key)
	if groups := groupMembers(h); len(groups) != 1 || !sameSet(groups[g], nhOID(h, "10.0.10.2"), nhOID(h, "10.0.20.2"), nhOID(h, "10.0.20.3")) {
		t.Fatalf("groups %v", groups)
	}
	if r := wantRoute(h, "10.3.0.0/16"); r[attrRouteNextHop] != g {
		t.Fatalf("the route moved: %v (group %s)", r, g)
	}

	// Without ifname, next hops are found by address (as single ones).
	h.set(AppRouteTable, "10.5.0.0/16", "nexthop", "10.0.10.2,10.0.20.2")
	h.wantNoError("ROUTE_TABLE:10.5.0.0/16")
	h.wantCount(tNextHopGroup, 2)
	// IPv6 ECMP on the default route: set, then the row deleted drops again.
	h.set(AppNeighTable, "Vlan20:fc00:20::2", "neigh", "00:00:00:00:20:02", "family", "IPv6")
	h.set(AppNeighTable, "Vlan20:fc00:20::3", "neigh", "00:00:00:00:20:03", "family", "IPv6")
	h.set(AppRouteTable, "::/0", "nexthop", "fc00:20::2,fc00:20::3", "ifname", "Vlan20,Vlan20")
	h.wantNoError("ROUTE_TABLE:::/0")
	if r := wantRoute(h, "::/0"); r[attrRouteAction] != actionForward || sairedis.VIDType(mustOID(t, r[attrRouteNextHop])) != tNextHopGroup {
		t.Fatalf("default route %v", r)
	}
	h.wantCount(tNextHopGroup, 3)
	h.del(AppRouteTable, "::/0")
	if r := wantRoute(h, "::/0"); r[attrRouteAction] != actionDrop || r[attrRouteNextHop] != "oid:0x0" {
		t.Fatalf("default route after delete %v", r)
	}
	h.wantCount(tNextHopGroup, 2)
}

// TestECMPGroupRefused: a refused group create fails the row with the SAI
// status and leaves nothing behind; the retry succeeds.
func TestECMPGroupRefused(t *testing.T) {
	h := ecmpL3(t)
	h.asic.refuse[tNextHopGroup] = "SAI_STATUS_TABLE_FULL"
	h.set(AppRouteTable, "10.3.0.0/16", "nexthop", "10.0.10.2,10.0.20.2", "ifname", "Vlan10,Vlan20")
	h.wantError("ROUTE_TABLE:10.3.0.0/16", "SAI_STATUS_TABLE_FULL", "next hop group 10.0.10.2@Vlan10,10.0.20.2@Vlan20")
	h.wantCount(tNextHopGroup, 0)
	h.wantCount(tNextHopGroupMember, 0)
	if _, _, ok := routeOf(h, "10.3.0.0/16"); ok {
		t.Fatal("route installed on a refused group")
	}
	// The neighbours are free (the undo released them).
	delete(h.asic.refuse, tNextHopGroup)
	h.clock.Advance(retryMax)
	h.a.core.retryDue(h.clock.Now())
	h.settle()
	h.wantNoError("ROUTE_TABLE:10.3.0.0/16")
	h.wantCount(tNextHopGroup, 1)
	h.wantCount(tNextHopGroupMember, 2)
	h.del(AppRouteTable, "10.3.0.0/16")
	h.wantCount(tNextHopGroup, 0)
	h.del(AppNeighTable, "Vlan10:10.0.10.2")
	h.wantNoError("NEIGH_TABLE:Vlan10:10.0.10.2")
}

// TestECMPLinkDown: next hops on routed ports leave their groups while the
// port is oper down and come back when it is up; with every link down
// the group keeps its members.
func TestECMPLinkDown(t *testing.T) {
	h := newHarness(t)
	h.ports(3)
	h.set(AppIntfTable, "Ethernet4")
	h.set(AppIntfTable, "Ethernet8")
	h.set(AppIntfTable, "Ethernet4:10.1.0.1/24", "family", "IPv4")
	h.set(AppIntfTable, "Ethernet8:10.2.0.1/24", "family", "IPv4")
	h.set(AppNeighTable, "Ethernet4:10.1.0.2", "neigh", "00:00:00:00:01:02", "family", "IPv4")
	h.set(AppNeighTable, "Ethernet8:10.2.0.2", "neigh", "00:00:00:00:02:02", "family", "IPv4")
	const key = "ROUTE_TABLE:10.9.0.0/16"
	h.set(AppRouteTable, "10.9.0.0/16", "nexthop", "10.1.0.2,10.2.0.2", "ifname", "Ethernet4,Ethernet8")
	h.wantNoError(key)
	nhA, nhB := nhOID(h, "10.1.0.2"), nhOID(h, "10.2.0.2")
	g := wantRoute(h, "10.9.0.0/16")[attrRouteNextHop]
	members := func(want ...string) {
		t.Helper()
		groups := groupMembers(h)
		if len(groups) != 1 || !sameSet(groups[g], want...) {
			t.Fatalf("groups %v, want %s with %v", groups, g, want)
		}
		if r := wantRoute(h, "10.9.0.0/16"); r[attrRouteNextHop] != g {
			t.Fatalf("the route moved: %v", r)
		}
	}
	members(nhA, nhB)
	link := func(port int, up bool) {
		h.a.core.notify(portStateNotification(h.asic.portID(port), up))
		h.settle()
	}
	link(1, true)
	link(2, true)
	members(nhA, nhB)

	link(1, false) // Ethernet4
	members(nhB)
	h.wantError(key, StatusPending, "next hop(s) 10.1.0.2@Ethernet4 on an oper-down interface; forwarding over 1 of 2")
	link(1, true)
	members(nhA, nhB)
	h.wantNoError(key)

	link(2, false)
	members(nhA)
	link(1, false) // both down: the last member stays
	members(nhA)
	h.wantError(key, StatusPending, "forwarding over none of 2")
	link(2, true)
	members(nhB)
	link(1, true)
	members(nhA, nhB)
	h.wantNoError(key)
	// A new route over a down link starts without it.
	link(2, false)
	h.set(AppRouteTable, "10.8.0.0/16", "nexthop", "10.1.0.2,10.2.0.2")
	h.wantError("ROUTE_TABLE:10.8.0.0/16", StatusPending, "oper-down")
	h.wantCount(tNextHopGroup, 2)
	h.wantCount(tNextHopGroupMember, 2)
	link(2, true)
	h.wantNoError("ROUTE_TABLE:10.8.0.0/16")
	h.wantCount(tNextHopGroupMember, 4)
}

// memberWeights maps each member's next hop VID to its WEIGHT field ("" =
// not set) in group g.
func memberWeights(h *harness, g string) map[string]string {
	out := map[string]string{}
	for _, v := range h.asic.of(tNextHopGroupMember) {
		if v[attrNHGMemberGroup] == g {
			out[v[attrNHGMemberNH]] = v[attrNHGMemberWeight]
		}
	}
	return out
}

// TestECMPWeights: a weight list sets the members' WEIGHT; weights are part
// of the group's identity; a weight change of a group's only route is a
// SET of the member's WEIGHT; bad lists are refused.
func TestECMPWeights(t *testing.T) {
	h := ecmpL3(t)
	nh10, nh20 := nhOID(h, "10.0.10.2"), nhOID(h, "10.0.20.2")
	h.set(AppRouteTable, "10.3.0.0/16", "nexthop", "10.0.10.2,10.0.20.2", "ifname", "Vlan10,Vlan20", "weight", "1,3")
	h.wantNoError("ROUTE_TABLE:10.3.0.0/16")
	gW := wantRoute(h, "10.3.0.0/16")[attrRouteNextHop]
	if w := memberWeights(h, gW); len(w) != 2 || w[nh10] != "1" || w[nh20] != "3" {
		t.Fatalf("weights %v", w)
	}
	// Same next hops without weights: another group.
	h.set(AppRouteTable, "10.4.0.0/16", "nexthop", "10.0.10.2,10.0.20.2", "ifname", "Vlan10,Vlan20")
	gU := wantRoute(h, "10.4.0.0/16")[attrRouteNextHop]
	if gU == gW {
		t.Fatal("a weighted and an unweighted route share a group")
	}
	if w := memberWeights(h, gU); len(w) != 2 || w[nh10] != "" || w[nh20] != "" {
		t.Fatalf("unweighted members %v", w)
	}
	// Listed in another order, the weights follow their next hops.
	h.set(AppRouteTable, "10.5.0.0/16", "nexthop", "10.0.20.2,10.0.10.2", "ifname", "Vlan20,Vlan10", "weight", "3,1")
	if g := wantRoute(h, "10.5.0.0/16")[attrRouteNextHop]; g != gW {
		t.Fatalf("10.5 on %s, want the weighted group %s", g, gW)
	}
	h.del(AppRouteTable, "10.5.0.0/16")

	// New weights for the group's only route: one SET, nothing else.
	mark := len(h.asic.ops)
	h.set(AppRouteTable, "10.3.0.0/16", "nexthop", "10.0.10.2,10.0.20.2", "ifname", "Vlan10,Vlan20", "weight", "2,3")
	h.wantNoError("ROUTE_TABLE:10.3.0.0/16")
	if ops := h.asic.ops[mark:]; len(ops) != 1 || !strings.HasPrefix(ops[0], "set SAI_OBJECT_TYPE_NEXT_HOP_GROUP_MEMBER:") {
		t.Fatalf("ops %v, want one member set", ops)
	}
	if w := memberWeights(h, gW); w[nh10] != "2" || w[nh20] != "3" || wantRoute(h, "10.3.0.0/16")[attrRouteNextHop] != gW {
		t.Fatalf("weights %v", w)
	}
	// Weights dropped: 10.3 joins the unweighted group, the weighted goes.
	h.set(AppRouteTable, "10.3.0.0/16", "nexthop", "10.0.10.2,10.0.20.2", "ifname", "Vlan10,Vlan20")
	if g := wantRoute(h, "10.3.0.0/16")[attrRouteNextHop]; g != gU {
		t.Fatalf("10.3 on %s, want %s", g, gU)
	}
	h.wantCount(tNextHopGroup, 1)
	h.wantCount(tNextHopGroupMember, 2)

	for _, c := range []struct{ weight, reason string }{
		{"1", "1 weight(s) for 2 nexthop(s)"},
		{"0,1", `weight "0" of nexthop 10.0.10.2@Vlan10`},
		{"1,x", `weight "x"`},
	} {
		h.set(AppRouteTable, "10.6.0.0/16", "nexthop", "10.0.10.2,10.0.20.2", "ifname", "Vlan10,Vlan20", "weight", c.weight)
		h.wantError("ROUTE_TABLE:10.6.0.0/16", StatusInvalid, c.reason)
	}
	h.set(AppRouteTable, "10.6.0.0/16", "nexthop", "10.0.10.2,10.0.10.2,10.0.20.2", "ifname", "Vlan10,Vlan10,Vlan20", "weight", "1,2,1")
	h.wantError("ROUTE_TABLE:10.6.0.0/16", StatusInvalid, "nexthop 10.0.10.2@Vlan10 is listed twice with weights 1 and 2")
	h.wantCount(tNextHopGroup, 1)
}
