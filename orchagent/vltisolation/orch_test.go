package vltisolation

import (
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vltgw/vltgw/orchagent"
	"github.com/vltgw/vltgw/orchagent/pgworch"
	"github.com/vltgw/vltgw/orchagent/sairedis"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

const (
	tBridgePort = halv1.ObjectType_OBJECT_TYPE_BRIDGE_PORT
	tLagMember  = halv1.ObjectType_OBJECT_TYPE_LAG_MEMBER
)

// ports are the PORT_TABLE rows of the fake's first n ports.
func ports(n int) []orchagent.Change {
	var out []orchagent.Change
	for i := 0; i < n; i++ {
		l := func(j int) string { return strconv.Itoa(4*i + j) }
		out = append(out, set(orchagent.AppPortTable, "Ethernet"+l(0), "lanes", l(0)+","+l(1)+","+l(2)+","+l(3), "admin_status", "up"))
	}
	return out
}

// lagWithMember sets up PortChannel<n> with member Ethernet<4i> (the
// fake's port i).
func lagWithMember(lag string, port int) []orchagent.Change {
	return []orchagent.Change{
		set(orchagent.AppLagTable, lag, "admin_status", "up"),
		set(orchagent.AppLagMemberTable, lag+":Ethernet"+strconv.Itoa(4*port), "status", "enabled"),
	}
}

// bridgePortOf returns the oid of the bridge port of the LAG whose member
// is the fake's port i ("" when it has none).
func (h *harness) bridgePortOf(port int) string {
	h.t.Helper()
	ids, _ := sairedis.ParseOIDList(h.asic.sw["SAI_SWITCH_ATTR_PORT_LIST"])
	portOID := sairedis.FormatOID(ids[port])
	lag := ""
	for _, m := range h.asic.of(tLagMember) {
		if m["SAI_LAG_MEMBER_ATTR_PORT_ID"] == portOID {
			lag = m["SAI_LAG_MEMBER_ATTR_LAG_ID"]
		}
	}
	for oid, bp := range h.asic.of(tBridgePort) {
		if lag != "" && bp["SAI_BRIDGE_PORT_ATTR_PORT_ID"] == lag {
			return oid
		}
	}
	return ""
}

// groups returns the isolation groups and, for each, its members' objects.
func (h *harness) groups() map[string][]string {
	out := map[string][]string{}
	for oid, g := range h.asic.of(tGroup) {
		if g[AttrGroupType] != GroupTypeBridgePort {
			h.t.Fatalf("group %s %v", oid, g)
		}
		out[oid] = []string{}
	}
	for _, m := range h.asic.of(tMember) {
		g := m[AttrMemberGroup]
		if _, ok := out[g]; !ok {
			h.t.Fatalf("member of unknown group %v", m)
		}
		out[g] = append(out[g], m[AttrMemberObject])
	}
	return out
}

// only returns the single group and its members.
func (h *harness) only() (string, []string) {
	h.t.Helper()
	gs := h.groups()
	if len(gs) != 1 {
		h.t.Fatalf("%d isolation groups, want 1\n%s", len(gs), h.asic.dump())
	}
	for g, ms := range gs {
		return g, ms
	}
	return "", nil
}

func (h *harness) isolationOf(bp string) string {
	return h.asic.of(tBridgePort)[bp][AttrBridgePortGroup]
}

func (h *harness) wantOps(mark int, want ...string) {
	h.t.Helper()
	got := h.asic.opsSince(mark)
	if len(got) != len(want) {
		h.t.Fatalf("isolation ops %q, want %d like %q", got, len(want), want)
	}
	for i, w := range want {
		if !strings.HasPrefix(got[i], w) {
			h.t.Fatalf("isolation op %d is %q, want %q…", i, got[i], w)
		}
	}
}

func (h *harness) wantPending(name, reason string) {
	h.t.Helper()
	if e := h.errorOf(name); e["status"] != orchagent.StatusPending || !strings.Contains(e["reason"], reason) {
		h.t.Fatalf("%s: ORCH_ERROR_TABLE %v, want pending with %q", name, e, reason)
	}
}

func (h *harness) wantNoError(name string) {
	h.t.Helper()
	if e := h.errorOf(name); len(e) != 0 {
		h.t.Fatalf("%s: ORCH_ERROR_TABLE %v", name, e)
	}
}

func TestIsolationGroupFollowsTheVLTRows(t *testing.T) {
	base := runtime.NumGoroutine()
	t.Run("agent", isolationFollowsRows)
	noLeak(t, base)
}

func isolationFollowsRows(t *testing.T) {
	h := newHarness(t, Factory())
	setup := ports(6)
	setup = append(setup, lagWithMember("PortChannel1", 1)...)   // the peer link (VLTi)
	setup = append(setup, lagWithMember("PortChannel100", 2)...) // VLT LAGs
	setup = append(setup, lagWithMember("PortChannel101", 3)...)
	setup = append(setup, lagWithMember("PortChannel2", 4)...) // the next peer link
	h.apply(setup...)

	// The VLT rows before any VLAN: the group exists, the rows wait for
	// their bridge ports.
	h.apply(set(AppDomain, "1", "peer_link", "PortChannel1", "peer_routing", "true"), set(AppInterface, "1:PortChannel100", "NULL", "NULL"))
	if _, ms := h.only(); len(ms) != 0 {
		t.Fatalf("members %v before any bridge port", ms)
	}
	h.wantPending(AppDomain+":1", "peer link PortChannel1 has no bridge port yet")
	h.wantPending(AppInterface+":1:PortChannel100", "VLT port-channel PortChannel100 has no bridge port yet")

	// The port-channels join Vlan10: the member and the binding follow.
	mark := h.asic.mark()
	h.apply(set(orchagent.AppVlanTable, "Vlan10"),
		set(orchagent.AppVlanMemberTable, "Vlan10:Ethernet0", "tagging_mode", "untagged"),
		set(orchagent.AppVlanMemberTable, "Vlan10:PortChannel1", "tagging_mode", "tagged"),
		set(orchagent.AppVlanMemberTable, "Vlan10:PortChannel100", "tagging_mode", "tagged"),
		set(orchagent.AppVlanMemberTable, "Vlan10:PortChannel2", "tagging_mode", "tagged"))
	group, ms := h.only()
	peerBP, lag100BP := h.bridgePortOf(1), h.bridgePortOf(2)
	if !reflect.DeepEqual(ms, []string{lag100BP}) || h.isolationOf(peerBP) != group {
		t.Fatalf("group %s members %v (want %s); peer link bridge port %v\n%s", group, ms, lag100BP, h.asic.of(tBridgePort)[peerBP], h.asic.dump())
	}
	h.wantOps(mark, "set SAI_OBJECT_TYPE_BRIDGE_PORT:"+peerBP+" "+AttrBridgePortGroup+"="+group, "create SAI_OBJECT_TYPE_ISOLATION_GROUP_MEMBER")
	h.wantNoError(AppDomain + ":1")
	h.wantNoError(AppInterface + ":1:PortChannel100")

	// A second VLT LAG: pending until it has a bridge port, then one create.
	h.apply(set(AppInterface, "1:PortChannel101", "NULL", "NULL"))
	h.wantPending(AppInterface+":1:PortChannel101", "PortChannel101 has no bridge port yet")
	mark = h.asic.mark()
	h.apply(set(orchagent.AppVlanMemberTable, "Vlan10:PortChannel101", "tagging_mode", "tagged"))
	lag101BP := h.bridgePortOf(3)
	h.wantOps(mark, "create SAI_OBJECT_TYPE_ISOLATION_GROUP_MEMBER:oid:0x")
	if _, ms := h.only(); len(ms) != 2 || !strings.Contains(strings.Join(ms, " "), lag101BP) {
		t.Fatalf("members %v, want %s and %s", ms, lag100BP, lag101BP)
	}

	// The same rows again, or another field of the domain: nothing to do.
	mark = h.asic.mark()
	h.apply(set(AppDomain, "1", "peer_link", "PortChannel1", "peer_routing", "false", "peer_mac", "00:01:e8:00:00:0d"),
		set(AppInterface, "1:PortChannel100", "NULL", "NULL"))
	h.wantOps(mark)

	// A VLT LAG leaving its last VLAN keeps its bridge port while it is a
	// member; un-marking it removes the member, then the bridge port.
	h.apply(del(orchagent.AppVlanMemberTable, "Vlan10:PortChannel100"))
	if h.bridgePortOf(2) != lag100BP {
		t.Fatal("the VLT LAG's bridge port went with its last VLAN while a member used it")
	}
	mark = h.asic.mark()
	h.apply(del(AppInterface, "1:PortChannel100"))
	h.wantOps(mark, "remove SAI_OBJECT_TYPE_ISOLATION_GROUP_MEMBER")
	if _, ms := h.only(); !reflect.DeepEqual(ms, []string{lag101BP}) {
		t.Fatalf("members %v, want only %s", ms, lag101BP)
	}
	if bp := h.bridgePortOf(2); bp != "" {
		t.Fatalf("PortChannel100's bridge port %s outlived the member and its VLANs", bp)
	}

	// A new peer link moves the attribute: two sets, nothing re-created.
	newPeerBP := h.bridgePortOf(4)
	mark = h.asic.mark()
	h.apply(set(AppDomain, "1", "peer_link", "PortChannel2", "peer_routing", "true"))
	h.wantOps(mark,
		"set SAI_OBJECT_TYPE_BRIDGE_PORT:"+peerBP+" "+AttrBridgePortGroup+"=oid:0x0",
		"set SAI_OBJECT_TYPE_BRIDGE_PORT:"+newPeerBP+" "+AttrBridgePortGroup+"="+group)
	if g, _ := h.only(); g != group || h.isolationOf(newPeerBP) != group || h.isolationOf(peerBP) != "oid:0x0" {
		t.Fatalf("after the move: group %s, new %q, old %q", g, h.isolationOf(newPeerBP), h.isolationOf(peerBP))
	}

	// Deleting the domain: binding cleared, member and group removed, in
	// an order the ASIC accepts; the VLT interface row waits again.
	mark = h.asic.mark()
	h.apply(del(AppDomain, "1"))
	h.wantOps(mark,
		"set SAI_OBJECT_TYPE_BRIDGE_PORT:"+newPeerBP+" "+AttrBridgePortGroup+"=oid:0x0",
		"remove SAI_OBJECT_TYPE_ISOLATION_GROUP_MEMBER",
		"remove SAI_OBJECT_TYPE_ISOLATION_GROUP:"+group)
	if gs := h.groups(); len(gs) != 0 {
		t.Fatalf("groups left %v", gs)
	}
	h.wantPending(AppInterface+":1:PortChannel101", "VLT domain 1 is not configured")
	h.wantNoError(AppDomain + ":1")

	// Back again: a new group with the member that was waiting.
	h.apply(set(AppDomain, "1", "peer_link", "PortChannel2"))
	g2, ms := h.only()
	if g2 == group || !reflect.DeepEqual(ms, []string{lag101BP}) || h.isolationOf(newPeerBP) != g2 {
		t.Fatalf("re-created group %s members %v binding %q", g2, ms, h.isolationOf(newPeerBP))
	}
	h.wantNoError(AppInterface + ":1:PortChannel101")
}

// TestTwoDomainsKeepTheirOwnGroups: each domain has its own group; a
// port-channel marked in both is a member of both.
func TestTwoDomainsKeepTheirOwnGroups(t *testing.T) {
	h := newHarness(t, Factory())
	setup := ports(4)
	setup = append(setup, lagWithMember("PortChannel1", 0)...)
	setup = append(setup, lagWithMember("PortChannel2", 1)...)
	setup = append(setup, lagWithMember("PortChannel100", 2)...)
	setup = append(setup, set(orchagent.AppVlanTable, "Vlan10"))
	for _, pc := range []string{"PortChannel1", "PortChannel2", "PortChannel100"} {
		setup = append(setup, set(orchagent.AppVlanMemberTable, "Vlan10:"+pc, "tagging_mode", "tagged"))
	}
	h.apply(setup...)
	h.apply(set(AppDomain, "1", "peer_link", "PortChannel1"), set(AppDomain, "2", "peer_link", "PortChannel2"),
		set(AppInterface, "1:PortChannel100"), set(AppInterface, "2:PortChannel100"))
	gs := h.groups()
	if len(gs) != 2 {
		t.Fatalf("groups %v", gs)
	}
	for g, ms := range gs {
		if !reflect.DeepEqual(ms, []string{h.bridgePortOf(2)}) {
			t.Fatalf("group %s members %v", g, ms)
		}
	}
	if a, b := h.isolationOf(h.bridgePortOf(0)), h.isolationOf(h.bridgePortOf(1)); a == b || gs[a] == nil || gs[b] == nil {
		t.Fatalf("peer links bound to %q and %q", a, b)
	}
	// Un-marking in domain 2 leaves domain 1's member (and the bridge port
	// its hold keeps).
	h.apply(del(AppInterface, "2:PortChannel100"))
	h.apply(del(orchagent.AppVlanMemberTable, "Vlan10:PortChannel100"))
	n := 0
	for _, ms := range h.groups() {
		n += len(ms)
	}
	if n != 1 || h.bridgePortOf(2) == "" {
		t.Fatalf("%d members, bridge port %q", n, h.bridgePortOf(2))
	}
}

// ownerOrch stands for the proxy-gateway orch: it owns VLT_DOMAIN_TABLE
// and another table.
type ownerOrch struct {
	domains map[string]string // key → op
	pending bool
}

func (o *ownerOrch) Name() string     { return "owner" }
func (o *ownerOrch) Tables() []string { return []string{AppDomain, "VLT_PROXY_GW_TABLE"} }
func (o *ownerOrch) Sync(t *orchagent.Task) orchagent.Result {
	if t.Table == AppDomain {
		o.domains[t.Key] = t.Op
	}
	if o.pending {
		return orchagent.Pending("owner waits")
	}
	return orchagent.Applied()
}

func TestBesideSharesTheDomainTable(t *testing.T) {
	owner := &ownerOrch{domains: map[string]string{}}
	h := newHarness(t, Beside(func(*orchagent.Env) (orchagent.Orch, error) { return owner, nil }))
	h.apply(append(ports(1), set(orchagent.AppLagTable, "PortChannel1"), set(orchagent.AppLagMemberTable, "PortChannel1:Ethernet0", "status", "enabled"),
		set(orchagent.AppVlanTable, "Vlan10"), set(orchagent.AppVlanMemberTable, "Vlan10:PortChannel1", "tagging_mode", "tagged"))...)
	h.apply(set(AppDomain, "1", "peer_link", "PortChannel1"), set("VLT_PROXY_GW_TABLE", "1", "mode", "static"))
	g, _ := h.only()
	if owner.domains["1"] != orchagent.OpSet || h.isolationOf(h.bridgePortOf(0)) != g {
		t.Fatalf("owner saw %v; binding %q", owner.domains, h.isolationOf(h.bridgePortOf(0)))
	}
	// The owner's verdict counts for the shared row.
	owner.pending = true
	h.apply(set(AppDomain, "2"))
	h.wantPending(AppDomain+":2", "owner waits")
	if len(h.groups()) != 2 {
		t.Fatalf("groups %v", h.groups())
	}
}

// TestRefusedGroupIsRetried: a refused group create fails the domain row
// (ORCH_ERROR_TABLE has the SAI status), its member waits for the group,
// and both apply once the ASIC takes the group on the retry.
func TestRefusedGroupIsRetried(t *testing.T) {
	h := newHarness(t, Factory())
	setup := append(ports(2), lagWithMember("PortChannel1", 0)...)
	setup = append(setup, lagWithMember("PortChannel100", 1)...)
	setup = append(setup, set(orchagent.AppVlanTable, "Vlan10"), set(orchagent.AppVlanMemberTable, "Vlan10:PortChannel1", "tagging_mode", "tagged"),
		set(orchagent.AppVlanMemberTable, "Vlan10:PortChannel100", "tagging_mode", "tagged"))
	h.apply(setup...)
	h.asic.mu.Lock()
	h.asic.refuse[tGroup] = "SAI_STATUS_INSUFFICIENT_RESOURCES"
	h.asic.mu.Unlock()
	h.apply(set(AppDomain, "1", "peer_link", "PortChannel1"), set(AppInterface, "1:PortChannel100"))
	if e := h.errorOf(AppDomain + ":1"); e["status"] != "SAI_STATUS_INSUFFICIENT_RESOURCES" {
		t.Fatalf("domain row error %v", e)
	}
	h.wantPending(AppInterface+":1:PortChannel100", "the isolation group of VLT domain 1 is not created")
	if gs := h.groups(); len(gs) != 0 || h.isolationOf(h.bridgePortOf(0)) != "" {
		t.Fatalf("groups %v, binding %q after the refusal", gs, h.isolationOf(h.bridgePortOf(0)))
	}
	h.asic.mu.Lock()
	delete(h.asic.refuse, tGroup)
	h.asic.mu.Unlock()
	h.clock.Advance(time.Minute)
	h.until("the group, its member and the binding", func() bool {
		gs := h.groups()
		return len(gs) == 1 && len(h.asic.of(tMember)) == 1 && h.isolationOf(h.bridgePortOf(0)) != ""
	})
	h.wantNoError(AppDomain + ":1")
	h.wantNoError(AppInterface + ":1:PortChannel100")
}

// TestBesideTheProxyGatewayOrch: the isolation orch next to the real
// proxy-gateway orch (as cmd/orchagent runs them): one VLT_DOMAIN_TABLE
// row gives both the MY_MAC entries and the isolation group.
func TestBesideTheProxyGatewayOrch(t *testing.T) {
	h := newHarness(t, Beside(pgworch.Factory(pgworch.Options{Capacity: 512})))
	setup := append(ports(2), lagWithMember("PortChannel1", 0)...)
	setup = append(setup, lagWithMember("PortChannel100", 1)...)
	setup = append(setup, set(orchagent.AppVlanTable, "Vlan10"), set(orchagent.AppVlanMemberTable, "Vlan10:PortChannel1", "tagging_mode", "tagged"),
		set(orchagent.AppVlanMemberTable, "Vlan10:PortChannel100", "tagging_mode", "tagged"),
		set(orchagent.AppIntfTable, "Vlan10"), set(orchagent.AppIntfTable, "Vlan10:10.10.0.2/24", "family", "IPv4"))
	h.apply(setup...)
	h.apply(set(AppDomain, "1", "peer_link", "PortChannel1", "peer_routing", "true", "peer_mac", "00:01:e8:00:00:0d"),
		set(AppInterface, "1:PortChannel100"),
		set(pgworch.AppProxyGW, "1", "mode", "static", "vlt_peer_mac_transmit", "false"),
		set(pgworch.AppRemoteMAC, "1:00:01:e8:00:01:0c", "exclude_vlans", ""))
	macs := map[string]bool{}
	for _, m := range h.asic.of(halv1.ObjectType_OBJECT_TYPE_MY_MAC) {
		macs[strings.ToLower(m["SAI_MY_MAC_ATTR_MAC_ADDRESS"])] = true
	}
	if len(macs) != 2 || !macs["00:01:e8:00:00:0d"] || !macs["00:01:e8:00:01:0c"] {
		t.Fatalf("MY_MAC entries for %v, want the peer's and the remote MAC\n%s", macs, h.asic.dump())
	}
	g, ms := h.only()
	if !reflect.DeepEqual(ms, []string{h.bridgePortOf(1)}) || h.isolationOf(h.bridgePortOf(0)) != g {
		t.Fatalf("group %s members %v binding %q", g, ms, h.isolationOf(h.bridgePortOf(0)))
	}
	h.wantNoError(AppDomain + ":1")
	// Deleting the domain reaches both.
	h.apply(del(AppDomain, "1"))
	if gs := h.groups(); len(gs) != 0 {
		t.Fatalf("groups left %v", gs)
	}
	if e := h.state.row("VLT_PROXY_GW_TABLE|1"); e["oper_status"] != "down" {
		t.Fatalf("proxy gateway state without its domain: %v", e)
	}
}

// planningOwner stands for the proxy-gateway orch's planning: every Sync
// of a VLT_DOMAIN_TABLE row asks for its plan row's Sync, which applies.
type planningOwner struct {
	env         *orchagent.Env
	domainSyncs int
}

func (o *planningOwner) Name() string     { return "planning-owner" }
func (o *planningOwner) Tables() []string { return []string{AppDomain, "PLAN_TABLE"} }
func (o *planningOwner) Sync(t *orchagent.Task) orchagent.Result {
	if t.Table == AppDomain {
		o.domainSyncs++
		o.env.Resync("PLAN_TABLE", "plan")
	}
	return orchagent.Applied()
}

// TestBesideDoesNotResyncTheOwnerWhilePending: the lab's replay livelock.
// A VLT_DOMAIN_TABLE row that arrives before its peer link has a bridge
// port stays pending in the isolation orch; the agent syncs it again after
// every pass. Were the owner synced again each time, its plan request
// would make every pass "progress" and the agent would spin. The owner
// sees the row once; the row applies when the peer link is in a VLAN.
func TestBesideDoesNotResyncTheOwnerWhilePending(t *testing.T) {
	owner := &planningOwner{}
	h := newHarness(t, Beside(func(env *orchagent.Env) (orchagent.Orch, error) { owner.env = env; return owner, nil }))
	h.apply(set(AppDomain, "1", "peer_link", "PortChannel1"))
	h.wantPending(AppDomain+":1", "peer link PortChannel1 has no bridge port yet")
	if owner.domainSyncs != 1 {
		t.Fatalf("owner synced the pending domain row %d times", owner.domainSyncs)
	}
	h.apply(append(ports(1), set(orchagent.AppLagTable, "PortChannel1"), set(orchagent.AppLagMemberTable, "PortChannel1:Ethernet0", "status", "enabled"),
		set(orchagent.AppVlanTable, "Vlan10"), set(orchagent.AppVlanMemberTable, "Vlan10:PortChannel1", "tagging_mode", "tagged"))...)
	h.wantNoError(AppDomain + ":1")
	g, _ := h.only()
	if h.isolationOf(h.bridgePortOf(0)) != g {
		t.Fatalf("peer link bound to %q, group %s", h.isolationOf(h.bridgePortOf(0)), g)
	}
	if owner.domainSyncs != 1 {
		t.Fatalf("owner synced the domain row %d times", owner.domainSyncs)
	}
	// A change of the row reaches the owner again.
	h.apply(set(AppDomain, "1", "peer_link", "PortChannel1", "x", "y"))
	if owner.domainSyncs != 2 {
		t.Fatalf("owner synced the changed domain row %d times in all", owner.domainSyncs)
	}
}
