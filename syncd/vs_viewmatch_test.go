package syncd

import (
	"fmt"
	"testing"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// groupsAndLAGs is an ECMP and LAG configuration on top of a topo: three
// next hops on the topo's router interface, four next hop groups (two with
// the same next hops, told apart by their weights) each with a route, two
// LAGs with member ports and two memberless ones, a bridge port on each
// LAG, those of the memberless ones in VLANs 20 and 30.
type groupsAndLAGs struct {
	glSpec
	nh, nhg, lag, lagBP []string
	nhgm                [][]string // per group, per member
	lagm                [][]string // per LAG, per member
	vlan, vlanm         []string   // per LAG, its VLAN and VLAN member ("" = none)
}

type glSpec struct {
	hops  [][]int    // per group, its next hops
	wts   [][]string // per group, its members' weights ("" = not set)
	ports [][]int    // per LAG, its member ports (indexes into the topo's ports)
	vlans []int      // per LAG, the VLAN its bridge port is a member of (0 = none)
}

func defaultGL() glSpec {
	return glSpec{
		hops:  [][]int{{0, 1}, {1, 2}, {0, 2}, {0, 1}},
		wts:   [][]string{{"", ""}, {"", ""}, {"2", ""}, {"1", "3"}},
		ports: [][]int{{2, 3}, {4}, {}, {}},
		vlans: []int{0, 0, 20, 30},
	}
}

// newGroupsAndLAGs allocates the VIDs, groups and LAGs in the given orders
// (a permutation of their indexes), as a restarted orchagent walking its
// maps in another order would.
func (e *env) newGroupsAndLAGs(spec glSpec, groupOrder, lagOrder []int) *groupsAndLAGs {
	g := &groupsAndLAGs{glSpec: spec, nh: make([]string, 3), nhg: make([]string, len(spec.hops)), nhgm: make([][]string, len(spec.hops)),
		lag: make([]string, len(spec.ports)), lagBP: make([]string, len(spec.ports)), lagm: make([][]string, len(spec.ports)),
		vlan: make([]string, len(spec.ports)), vlanm: make([]string, len(spec.ports))}
	for i := range g.nh {
		g.nh[i] = e.newVID(halv1.ObjectType_OBJECT_TYPE_NEXT_HOP)
	}
	for _, i := range groupOrder {
		g.nhg[i] = e.newVID(halv1.ObjectType_OBJECT_TYPE_NEXT_HOP_GROUP)
		for range g.hops[i] {
			g.nhgm[i] = append(g.nhgm[i], e.newVID(halv1.ObjectType_OBJECT_TYPE_NEXT_HOP_GROUP_MEMBER))
		}
	}
	for _, i := range lagOrder {
		g.lag[i] = e.newVID(halv1.ObjectType_OBJECT_TYPE_LAG)
		g.lagBP[i] = e.newVID(halv1.ObjectType_OBJECT_TYPE_BRIDGE_PORT)
		for range g.ports[i] {
			g.lagm[i] = append(g.lagm[i], e.newVID(halv1.ObjectType_OBJECT_TYPE_LAG_MEMBER))
		}
		if g.vlans[i] != 0 {
			g.vlan[i] = e.newVID(halv1.ObjectType_OBJECT_TYPE_VLAN)
			g.vlanm[i] = e.newVID(halv1.ObjectType_OBJECT_TYPE_VLAN_MEMBER)
		}
	}
	return g
}

func groupRoute(tp *topo, i int) string {
	return fmt.Sprintf(`{"dest":"10.%d.0.0/16","switch_id":"%s","vr":"%s"}`, 100+i, switchVID, tp.vr)
}

// items creates the configuration, groups and LAGs in the given orders.
func (g *groupsAndLAGs) items(tp *topo, groupOrder, lagOrder []int) []Item {
	var out []Item
	for i, nh := range g.nh {
		out = append(out, Item{Key: "SAI_OBJECT_TYPE_NEXT_HOP:" + nh, Op: opCreate, Fields: fv("SAI_NEXT_HOP_ATTR_TYPE", "SAI_NEXT_HOP_TYPE_IP",
			"SAI_NEXT_HOP_ATTR_IP", fmt.Sprintf("10.0.0.%d", i+1), "SAI_NEXT_HOP_ATTR_ROUTER_INTERFACE_ID", tp.rif)})
	}
	for _, i := range groupOrder {
		out = append(out, Item{Key: "SAI_OBJECT_TYPE_NEXT_HOP_GROUP:" + g.nhg[i], Op: opCreate,
			Fields: fv("SAI_NEXT_HOP_GROUP_ATTR_TYPE", "SAI_NEXT_HOP_GROUP_TYPE_DYNAMIC_UNORDERED_ECMP")})
		for j, h := range g.hops[i] {
			f := fv("SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_GROUP_ID", g.nhg[i], "SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_ID", g.nh[h])
			if w := g.wts[i][j]; w != "" {
				f = append(f, FV{"SAI_NEXT_HOP_GROUP_MEMBER_ATTR_WEIGHT", w})
			}
			out = append(out, Item{Key: "SAI_OBJECT_TYPE_NEXT_HOP_GROUP_MEMBER:" + g.nhgm[i][j], Op: opCreate, Fields: f})
		}
		out = append(out, Item{Key: "SAI_OBJECT_TYPE_ROUTE_ENTRY:" + groupRoute(tp, i), Op: opCreate, Fields: fv("SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID", g.nhg[i])})
	}
	for _, i := range lagOrder {
		out = append(out, Item{Key: "SAI_OBJECT_TYPE_LAG:" + g.lag[i], Op: opCreate, Fields: fv("NULL", "NULL")})
		for j, p := range g.ports[i] {
			out = append(out, Item{Key: "SAI_OBJECT_TYPE_LAG_MEMBER:" + g.lagm[i][j], Op: opCreate, Fields: fv(
				"SAI_LAG_MEMBER_ATTR_LAG_ID", g.lag[i], "SAI_LAG_MEMBER_ATTR_PORT_ID", tp.ports[p])})
		}
		out = append(out, Item{Key: "SAI_OBJECT_TYPE_BRIDGE_PORT:" + g.lagBP[i], Op: opCreate, Fields: fv("SAI_BRIDGE_PORT_ATTR_TYPE", "SAI_BRIDGE_PORT_TYPE_PORT",
			"SAI_BRIDGE_PORT_ATTR_PORT_ID", g.lag[i], "SAI_BRIDGE_PORT_ATTR_ADMIN_STATE", "true")})
		if g.vlans[i] != 0 {
			out = append(out, Item{Key: "SAI_OBJECT_TYPE_VLAN:" + g.vlan[i], Op: opCreate, Fields: fv("SAI_VLAN_ATTR_VLAN_ID", fmt.Sprint(g.vlans[i]))},
				Item{Key: "SAI_OBJECT_TYPE_VLAN_MEMBER:" + g.vlanm[i], Op: opCreate, Fields: fv("SAI_VLAN_MEMBER_ATTR_VLAN_ID", g.vlan[i],
					"SAI_VLAN_MEMBER_ATTR_BRIDGE_PORT_ID", g.lagBP[i], "SAI_VLAN_MEMBER_ATTR_VLAN_TAGGING_MODE", "SAI_VLAN_TAGGING_MODE_TAGGED")})
		}
	}
	return out
}

// rids maps every VID of the configuration to its RID.
func (g *groupsAndLAGs) rids(e *env) map[string]uint64 {
	out := map[string]uint64{}
	add := func(name string, vids ...string) {
		for i, v := range vids {
			out[fmt.Sprintf("%s%d", name, i)] = e.rid(v)
		}
	}
	add("nh", g.nh...)
	add("group", g.nhg...)
	add("lag", g.lag...)
	add("lag bridge port", g.lagBP...)
	for i := range g.nhgm {
		add(fmt.Sprintf("group%d member", i), g.nhgm[i]...)
	}
	for i := range g.lagm {
		add(fmt.Sprintf("lag%d member", i), g.lagm[i]...)
		if g.vlan[i] != "" {
			add(fmt.Sprintf("lag%d vlan", i), g.vlan[i])
			add(fmt.Sprintf("lag%d vlan member", i), g.vlanm[i])
		}
	}
	return out
}

// TestVSRestartKeepsGroupsAndLAGs: orchagent restarts over next hop groups
// (all of TYPE ECMP) and LAGs (no attributes at all), replaying them under
// new VIDs in other orders. syncd matches each group by the next hops of
// its members (and their weights), each LAG by its member ports, the
// memberless LAGs by the VLANs of their bridge ports: the platform gets no
// write at all, and every object keeps its platform object.
func TestVSRestartKeepsGroupsAndLAGs(t *testing.T) {
	e := newEnv(t)
	p := startVS(t, e.halSock, vsConfig(8, 0))
	e.startSyncd()
	tp := populateVS(e)
	ident := []int{0, 1, 2, 3}
	g := e.newGroupsAndLAGs(defaultGL(), ident, ident)
	e.mustSucceed("groups and LAGs", e.call(g.items(tp, ident, ident)...))
	if n := len(p.list(t, halv1.ObjectType_OBJECT_TYPE_NEXT_HOP_GROUP_MEMBER)); n != 8 {
		t.Fatalf("platform holds %d group members", n)
	}
	want := g.rids(e)

	for round, ord := range []struct{ groups, lags []int }{
		{[]int{3, 2, 1, 0}, []int{3, 2, 1, 0}},
		{[]int{1, 3, 0, 2}, []int{1, 3, 2, 0}},
		{[]int{2, 0, 3, 1}, []int{0, 3, 2, 1}},
	} {
		p.mu.Lock()
		writes := p.writes
		p.mu.Unlock()
		c0, r0, s0 := p.opCounts()

		e.mustSucceed("INIT_VIEW", e.call(Item{Key: notifyInitView, Op: opNotify}))
		e.initSwitch()
		tp2 := e.topoVIDs()
		g2 := e.newGroupsAndLAGs(defaultGL(), ord.groups, ord.lags)
		items := append(tp2.items(defaultTopo()), g2.items(tp2, ord.groups, ord.lags)...)
		e.mustSucceed("view", e.call(append(items, Item{Key: notifyApplyView, Op: opNotify})...))

		c, r, s := p.opCounts()
		p.mu.Lock()
		w := p.writes - writes
		p.mu.Unlock()
		if w != 0 {
			t.Errorf("round %d: APPLY_VIEW made %d platform writes: creates %d removes %d sets %d", round, w, c-c0, r-r0, s-s0)
		}
		for k, rid := range g2.rids(e) {
			if want[k] != rid {
				t.Errorf("round %d: %s is platform object %s, was %s", round, k, formatOID(rid), formatOID(want[k]))
			}
		}
		platformMatchesASICDB(t, e, p)
		if t.Failed() {
			t.FailNow()
		}
	}
}

// TestVSRestartChangedGroupsAndLAGs: the replayed view adds a next hop to
// a group, a port to a LAG and swaps a port of another (in another order
// again). Each is matched with the current object it has the most in
// common with: the platform gets the new members, loses the one gone, and
// nothing else.
func TestVSRestartChangedGroupsAndLAGs(t *testing.T) {
	e := newEnv(t)
	p := startVS(t, e.halSock, vsConfig(8, 0))
	e.startSyncd()
	tp := populateVS(e)
	ident := []int{0, 1, 2, 3}
	g := e.newGroupsAndLAGs(defaultGL(), ident, ident)
	e.mustSucceed("groups and LAGs", e.call(g.items(tp, ident, ident)...))
	want := g.rids(e)
	c0, r0, s0 := p.opCounts()

	e.mustSucceed("INIT_VIEW", e.call(Item{Key: notifyInitView, Op: opNotify}))
	e.initSwitch()
	tp2 := e.topoVIDs()
	spec := defaultGL()
	spec.hops[1] = []int{1, 2, 0}
	spec.wts[1] = []string{"", "", ""}
	spec.ports[0] = []int{3, 6} // Ethernet8 leaves, Ethernet24 joins
	spec.ports[1] = []int{4, 5}
	rev := []int{3, 2, 1, 0}
	g2 := e.newGroupsAndLAGs(spec, rev, rev)
	items := append(tp2.items(defaultTopo()), g2.items(tp2, rev, rev)...)
	e.mustSucceed("view", e.call(append(items, Item{Key: notifyApplyView, Op: opNotify})...))

	if c, r, s := p.opCounts(); c-c0 != 3 || r-r0 != 1 || s-s0 != 0 {
		t.Errorf("APPLY_VIEW sent creates %d removes %d sets %d, want 3 1 0", c-c0, r-r0, s-s0)
	}
	got := g2.rids(e)
	got["lag0 member1"] = got["lag0 member0"] // Ethernet8's member went, Ethernet12's is member0 now
	got["lag0 member0"] = want["lag0 member0"]
	for k, rid := range want {
		if got[k] != rid {
			t.Errorf("%s is platform object %s, was %s", k, formatOID(got[k]), formatOID(rid))
		}
	}
	if n := len(p.list(t, halv1.ObjectType_OBJECT_TYPE_NEXT_HOP_GROUP_MEMBER)); n != 9 {
		t.Errorf("platform holds %d group members, want 9", n)
	}
	if n := len(p.list(t, halv1.ObjectType_OBJECT_TYPE_LAG_MEMBER)); n != 4 {
		t.Errorf("platform holds %d LAG members, want 4", n)
	}
	platformMatchesASICDB(t, e, p)
}
