package cfgmgr

import "testing"

func TestBaseConfigTranslates(t *testing.T) {
	h := newHarness(t, baseConfig()...)
	if len(h.errs) != 0 {
		t.Fatalf("errors: %v", h.errs)
	}
	h.row(AppPortTable, "Ethernet0", "lanes", "0,1,2,3", "speed", "100000", "admin_status", "up", "mtu", "9100", "alias", "eth0")
	h.row(AppPortTable, "Ethernet4", "lanes", "4,5,6,7", "speed", "100000", "admin_status", "up", "mtu", "9100")
	h.row(AppVlanTable, "Vlan10", "admin_status", "up", "mtu", "9100")
	h.row(AppVlanTable, "Vlan20", "admin_status", "up", "mtu", "1500")
	h.row(AppVlanMemberTable, "Vlan10:Ethernet0", "tagging_mode", "untagged")
	h.row(AppVlanMemberTable, "Vlan20:Ethernet8", "tagging_mode", "tagged")
	h.row(AppIntfTable, "Vlan10", "NULL", "NULL")
	h.row(AppIntfTable, "Vlan10:10.0.10.1/24", "scope", "global", "family", "IPv4")
	h.row(AppIntfTable, "Vlan10:fc00:10::1/64", "scope", "global", "family", "IPv6")
	h.row(AppNeighTable, "Vlan10:10.0.10.5", "neigh", "00:11:22:33:44:55", "family", "IPv4")
	h.row(AppRouteTable, "192.168.0.0/16", "nexthop", "10.0.20.2", "ifname", "Vlan20")
	if n := len(h.app); n != 16 {
		t.Fatalf("%d APP_DB rows, want 16: %v", n, h.appKeys())
	}
}

func TestOrderDoesNotMatter(t *testing.T) {
	evs := baseConfig()
	rev := make([]Event, len(evs))
	for i, ev := range evs {
		rev[len(evs)-1-i] = ev
	}
	a, b := newHarness(t, evs...), newHarness(t)
	for _, ev := range rev {
		b.do(ev)
	}
	if len(a.app) != len(b.app) || len(b.errs) != 0 {
		t.Fatalf("one by one in reverse: %v errors %v; at once: %v", b.appKeys(), b.errs, a.appKeys())
	}
	for k, f := range a.app {
		if !b.app[k].Equal(f) {
			t.Fatalf("%s: %v vs %v", k, b.app[k], f)
		}
	}
}

func TestMemberWaitsForVlanAndPort(t *testing.T) {
	h := newHarness(t)
	h.do(set(TableVlanMember, "Vlan30|Ethernet0", "tagging_mode", "tagged"))
	h.rejected(TableVlanMember, "Vlan30|Ethernet0", KeyField, "VLAN Vlan30 does not exist", "VLAN|Vlan30")
	if !h.errs[TableKey{TableVlanMember, "Vlan30|Ethernet0"}].Pending {
		t.Fatal("missing VLAN should be a pending rejection")
	}
	h.do(set(TableVlan, "Vlan30", "vlanid", "30"))
	h.rejected(TableVlanMember, "Vlan30|Ethernet0", KeyField, "PORT Ethernet0 does not exist", "PORT|Ethernet0")
	h.noRow(AppVlanMemberTable, "Vlan30:Ethernet0")
	h.do(set(TablePort, "Ethernet0", "lanes", "0"))
	h.accepted(TableVlanMember, "Vlan30|Ethernet0")
	h.row(AppVlanMemberTable, "Vlan30:Ethernet0", "tagging_mode", "tagged")

	// The VLAN goes: the member is withdrawn and waits again.
	h.do(del(TableVlan, "Vlan30"))
	h.noRow(AppVlanTable, "Vlan30")
	h.noRow(AppVlanMemberTable, "Vlan30:Ethernet0")
	h.rejected(TableVlanMember, "Vlan30|Ethernet0", KeyField, "Vlan30")
	h.do(del(TableVlanMember, "Vlan30|Ethernet0"))
	if len(h.errs) != 0 {
		t.Fatalf("errors left after delete: %v", h.errs)
	}
}

func TestVlanDeleteCascades(t *testing.T) {
	h := newHarness(t, baseConfig()...)
	h.do(del(TableVlan, "Vlan10"))
	for _, k := range []string{"Vlan10", "Vlan10:10.0.10.1/24", "Vlan10:fc00:10::1/64"} {
		h.noRow(AppIntfTable, k)
	}
	h.noRow(AppVlanMemberTable, "Vlan10:Ethernet0")
	h.noRow(AppNeighTable, "Vlan10:10.0.10.5")
	h.rejected(TableNeigh, "Vlan10|10.0.10.5", KeyField, "router interface Vlan10")
	h.row(AppVlanTable, "Vlan20", "admin_status", "up", "mtu", "1500")
	h.row(AppRouteTable, "192.168.0.0/16", "nexthop", "10.0.20.2", "ifname", "Vlan20")
	// Back again: everything returns, errors clear.
	h.do(set(TableVlan, "Vlan10", "vlanid", "10"))
	h.row(AppNeighTable, "Vlan10:10.0.10.5", "neigh", "00:11:22:33:44:55", "family", "IPv4")
	h.row(AppIntfTable, "Vlan10:fc00:10::1/64", "scope", "global", "family", "IPv6")
	if len(h.errs) != 0 {
		t.Fatalf("errors: %v", h.errs)
	}
}

func TestDeleteRemovesExactlyItsRow(t *testing.T) {
	h := newHarness(t, baseConfig()...)
	p := h.do(del(TableVlanMember, "Vlan20|Ethernet8"))
	if len(p.App) != 1 || p.App[0].Op != OpDel || p.App[0].AppKey != (AppKey{AppVlanMemberTable, "Vlan20:Ethernet8"}) {
		t.Fatalf("plan %+v", p.App)
	}
}

func TestUnchangedSetWritesNothing(t *testing.T) {
	h := newHarness(t, baseConfig()...)
	if p := h.do(set(TableVlan, "Vlan10", "vlanid", "10")); !p.Empty() {
		t.Fatalf("plan %+v", p)
	}
	// A VLAN change re-evaluates its members, which stay as they are.
	p := h.do(set(TableVlan, "Vlan10", "vlanid", "10", "mtu", "1500"))
	if len(p.App) != 1 || p.App[0].Key != "Vlan10" {
		t.Fatalf("plan %+v", p.App)
	}
}

func TestFieldRemovalReplacesRow(t *testing.T) {
	h := newHarness(t, baseConfig()...)
	p := h.do(set(TablePort, "Ethernet0", "lanes", "0,1,2,3", "speed", "100000", "admin_status", "up", "mtu", "9100"))
	if len(p.App) != 2 || p.App[0].Op != OpDel || p.App[1].Op != OpSet {
		t.Fatalf("plan %+v", p.App)
	}
	h.row(AppPortTable, "Ethernet0", "lanes", "0,1,2,3", "speed", "100000", "admin_status", "up", "mtu", "9100")
}
