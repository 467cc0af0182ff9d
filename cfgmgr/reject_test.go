package cfgmgr

import "testing"

// TestBadInputMatrix adds one bad row at a time to a valid switch: the row
// is rejected with its key, field and reason, and nothing else changes.
func TestBadInputMatrix(t *testing.T) {
	cases := []struct {
		name   string
		ev     Event
		field  string
		reason []string
	}{
		{"vlan id too big", set(TableVlan, "Vlan4095", "vlanid", "4095"), KeyField, []string{"4095", "outside 1-4094"}},
		{"vlan id zero", set(TableVlan, "Vlan0", "vlanid", "0"), KeyField, []string{"outside 1-4094"}},
		{"vlan leading zero", set(TableVlan, "Vlan010", "vlanid", "10"), KeyField, []string{"not a VLAN name"}},
		{"vlanid mismatch", set(TableVlan, "Vlan30", "vlanid", "31"), "vlanid", []string{`"31" does not match`, "Vlan30"}},
		{"vlanid missing", set(TableVlan, "Vlan30"), "vlanid", []string{"missing"}},
		{"vlan bad mtu", set(TableVlan, "Vlan30", "vlanid", "30", "mtu", "99999"), "mtu", []string{"99999"}},
		{"member of missing vlan", set(TableVlanMember, "Vlan99|Ethernet12", "tagging_mode", "tagged"), KeyField, []string{"VLAN Vlan99 does not exist"}},
		{"member unknown port", set(TableVlanMember, "Vlan10|Ethernet96", "tagging_mode", "tagged"), KeyField, []string{"PORT Ethernet96 does not exist"}},
		{"member bad port name", set(TableVlanMember, "Vlan10|eth5", "tagging_mode", "tagged"), KeyField, []string{`"eth5"`}},
		{"member bad tagging", set(TableVlanMember, "Vlan10|Ethernet12", "tagging_mode", "trunk"), "tagging_mode", []string{`"trunk"`}},
		{"member untagged twice", set(TableVlanMember, "Vlan20|Ethernet0", "tagging_mode", "untagged"), "tagging_mode", []string{"untagged port Ethernet0 is already used by VLAN_MEMBER|Vlan10|Ethernet0"}},
		{"bad prefix", set(TableVlanInterface, "Vlan20|10.0.20.300/24"), KeyField, []string{"not an address/length prefix"}},
		{"prefix length", set(TableVlanInterface, "Vlan20|10.0.20.3/33"), KeyField, []string{"not an address/length prefix"}},
		{"network address", set(TableVlanInterface, "Vlan20|10.0.30.0/24"), KeyField, []string{"network address"}},
		{"broadcast address", set(TableVlanInterface, "Vlan20|10.0.30.255/24"), KeyField, []string{"broadcast address"}},
		{"multicast address", set(TableVlanInterface, "Vlan20|ff02::1/64"), KeyField, []string{"multicast"}},
		{"duplicate ip", set(TableVlanInterface, "Vlan20|10.0.10.1/24"), KeyField, []string{"address 10.0.10.1 is already used by VLAN_INTERFACE|Vlan10|10.0.10.1/24"}},
		{"duplicate ip other length", set(TableVlanInterface, "Vlan20|10.0.10.1/25"), KeyField, []string{"already used by VLAN_INTERFACE|Vlan10|10.0.10.1/24"}},
		{"address without interface row", set(TableVlanInterface, "Vlan30|10.0.30.1/24"), KeyField, []string{"interface Vlan30 does not exist", "VLAN_INTERFACE|Vlan30"}},
		{"interface unknown port", set(TableInterface, "Ethernet96"), KeyField, []string{"port Ethernet96 does not exist"}},
		{"interface on vlan member", set(TableInterface, "Ethernet0"), KeyField, []string{"Ethernet0 is already a VLAN member (VLAN_MEMBER|Vlan10|Ethernet0)"}},
		{"interface bad mac", set(TableInterface, "Ethernet12", "mac_addr", "01:00:5e:00:00:01"), "mac_addr", []string{"multicast"}},
		{"lag member of missing lag", set(TablePortChannelMember, "PortChannel1|Ethernet12"), KeyField, []string{"PortChannel PortChannel1 does not exist"}},
		{"lag member that is a vlan member", set(TablePortChannelMember, "PortChannel5|Ethernet8"), KeyField, []string{"does not exist"}},
		{"port lane overlap", set(TablePort, "Ethernet16", "lanes", "15,16"), "lanes", []string{"lane 15 is already used by PORT|Ethernet12"}},
		{"port bad lanes", set(TablePort, "Ethernet16", "lanes", "16,x"), "lanes", []string{`"x"`}},
		{"port no lanes", set(TablePort, "Ethernet16", "speed", "1000"), "lanes", []string{"missing"}},
		{"port bad speed", set(TablePort, "Ethernet16", "lanes", "16", "speed", "fast"), "speed", []string{`"fast"`}},
		{"port bad admin", set(TablePort, "Ethernet16", "lanes", "16", "admin_status", "on"), "admin_status", []string{`"on"`}},
		{"port bad name", set(TablePort, "Eth16", "lanes", "16"), KeyField, []string{`"Eth16"`}},
		{"neigh bad mac", set(TableNeigh, "Vlan10|10.0.10.6", "neigh", "ff:ff:ff:ff:ff:ff"), "neigh", []string{"broadcast"}},
		{"neigh bad ip", set(TableNeigh, "Vlan10|10.0.10", "neigh", "00:11:22:33:44:66"), KeyField, []string{"not an IP address"}},
		{"neigh family", set(TableNeigh, "Vlan10|10.0.10.6", "neigh", "00:11:22:33:44:66", "family", "IPv6"), "family", []string{"IPv4"}},
		{"neigh no interface", set(TableNeigh, "Vlan30|10.0.30.6", "neigh", "00:11:22:33:44:66"), KeyField, []string{"router interface Vlan30"}},
		{"route host bits", set(TableStaticRoute, "10.9.0.1/16", "nexthop", "10.0.10.9"), KeyField, []string{"host bits", "10.9.0.0/16"}},
		{"route bad nexthop", set(TableStaticRoute, "10.9.0.0/16", "nexthop", "10.0.10"), "nexthop", []string{"not an IP address"}},
		{"route family", set(TableStaticRoute, "10.9.0.0/16", "nexthop", "fc00:10::9"), "nexthop", []string{"family"}},
		{"route unresolved", set(TableStaticRoute, "10.9.0.0/16", "nexthop", "10.77.0.1"), "nexthop", []string{"10.77.0.1 is in no subnet"}},
		{"route pairs", set(TableStaticRoute, "10.9.0.0/16", "nexthop", "10.0.10.9,10.0.20.9", "ifname", "Vlan10"), "ifname", []string{"1 interface(s) for 2"}},
		{"route vrf", set(TableStaticRoute, "Vrf-red|10.9.0.0/16", "nexthop", "10.0.10.9"), KeyField, []string{"only the default VRF"}},
		{"route duplicate", set(TableStaticRoute, "default|192.168.0.0/16", "nexthop", "10.0.10.9"), KeyField, []string{"ROUTE_TABLE:192.168.0.0/16 is already produced by STATIC_ROUTE|192.168.0.0/16"}},
		{"route blackhole with nexthop", set(TableStaticRoute, "10.9.0.0/16", "nexthop", "10.0.10.9", "blackhole", "true"), "blackhole", []string{"no nexthop"}},
		{"route nothing", set(TableStaticRoute, "10.9.0.0/16"), "nexthop", []string{"missing"}},
		{"metadata bad mac", set(TableDeviceMetadata, "localhost", "mac", "00:00:00:00:00:00", "hostname", "sw1"), "mac", []string{"all-zero"}},
		{"metadata bad hostname", set(TableDeviceMetadata, "localhost", "mac", "52:54:00:00:00:01", "hostname", "sw_1"), "hostname", []string{`'_'`}},
		{"metadata other key", set(TableDeviceMetadata, "remote"), KeyField, []string{"localhost"}},
		{"portchannel bad name", set(TablePortChannel, "Po1"), KeyField, []string{`"Po1"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, baseConfig()...)
			before := h.appKeys()
			h.do(c.ev)
			h.rejected(c.ev.Table, c.ev.Key, c.field, c.reason...)
			if len(h.errs) != 1 {
				t.Fatalf("other rows rejected too: %v", h.errs)
			}
			after := h.appKeys()
			if len(before) != len(after) {
				t.Fatalf("APP_DB changed: %v -> %v", before, after)
			}
			for i := range before {
				if before[i] != after[i] {
					t.Fatalf("APP_DB changed: %v -> %v", before, after)
				}
			}
			// Deleting the bad row clears its error and changes nothing.
			p := h.do(del(c.ev.Table, c.ev.Key))
			if len(h.errs) != 0 || len(p.App) != 0 {
				t.Fatalf("after delete: errors %v, plan %+v", h.errs, p.App)
			}
		})
	}
}

func TestFixingARowClearsItsError(t *testing.T) {
	h := newHarness(t, baseConfig()...)
	h.do(set(TableVlan, "Vlan30", "vlanid", "31"))
	h.rejected(TableVlan, "Vlan30", "vlanid", "31")
	h.do(set(TableVlan, "Vlan30", "vlanid", "30"))
	h.accepted(TableVlan, "Vlan30")
	h.row(AppVlanTable, "Vlan30", "admin_status", "up", "mtu", "9100")
	// Breaking an applied row withdraws it (and what hangs on it).
	h.do(set(TableVlan, "Vlan10", "vlanid", "11"))
	h.noRow(AppVlanTable, "Vlan10")
	h.noRow(AppVlanMemberTable, "Vlan10:Ethernet0")
	h.rejected(TableVlanMember, "Vlan10|Ethernet0", KeyField, "VLAN Vlan10 is not applied yet")
}

func TestDuplicateAddressIncumbentWins(t *testing.T) {
	h := newHarness(t, baseConfig()...)
	// Vlan1 sorts before Vlan10 but Vlan10 holds the address already.
	h.do(set(TableVlan, "Vlan1", "vlanid", "1"), set(TableVlanInterface, "Vlan1"), set(TableVlanInterface, "Vlan1|10.0.10.1/24"))
	h.rejected(TableVlanInterface, "Vlan1|10.0.10.1/24", KeyField, "already used by VLAN_INTERFACE|Vlan10|10.0.10.1/24")
	h.row(AppIntfTable, "Vlan10:10.0.10.1/24", "scope", "global", "family", "IPv4")
	// The holder goes: the other row takes the address.
	h.do(del(TableVlanInterface, "Vlan10|10.0.10.1/24"))
	h.accepted(TableVlanInterface, "Vlan1|10.0.10.1/24")
	h.row(AppIntfTable, "Vlan1:10.0.10.1/24", "scope", "global", "family", "IPv4")
	// The same address on a routed port: taken.
	h.do(set(TableInterface, "Ethernet12"), set(TableInterface, "Ethernet12|10.0.10.1/31"))
	h.rejected(TableInterface, "Ethernet12|10.0.10.1/31", KeyField, "VLAN_INTERFACE|Vlan1|10.0.10.1/24")
	h.row(AppIntfTable, "Ethernet12", "NULL", "NULL")
}

func TestDuplicateAddressAmongNewRowsLowestKeyWins(t *testing.T) {
	h := newHarness(t,
		set(TableVlan, "Vlan3", "vlanid", "3"), set(TableVlanInterface, "Vlan3"), set(TableVlanInterface, "Vlan3|10.1.0.1/24"),
		set(TableVlan, "Vlan2", "vlanid", "2"), set(TableVlanInterface, "Vlan2"), set(TableVlanInterface, "Vlan2|10.1.0.1/24"))
	h.accepted(TableVlanInterface, "Vlan2|10.1.0.1/24")
	h.rejected(TableVlanInterface, "Vlan3|10.1.0.1/24", KeyField, "Vlan2")
}

func TestPortRoles(t *testing.T) {
	h := newHarness(t, baseConfig()...)
	// Ethernet0 is a VLAN member: it cannot join a LAG.
	h.do(set(TablePortChannel, "PortChannel1"), set(TablePortChannelMember, "PortChannel1|Ethernet0"))
	h.rejected(TablePortChannelMember, "PortChannel1|Ethernet0", KeyField, "Ethernet0 is already a VLAN member")
	h.row(AppLagTable, "PortChannel1", "admin_status", "up", "mtu", "9100")
	// Once it leaves the VLAN, the LAG membership applies; rejoining the VLAN is refused.
	h.do(del(TableVlanMember, "Vlan10|Ethernet0"))
	h.accepted(TablePortChannelMember, "PortChannel1|Ethernet0")
	h.row(AppLagMemberTable, "PortChannel1:Ethernet0", "status", "enabled")
	h.do(set(TableVlanMember, "Vlan10|Ethernet0", "tagging_mode", "untagged"))
	h.rejected(TableVlanMember, "Vlan10|Ethernet0", KeyField, "Ethernet0 is already a PortChannel member")
	// The LAG itself may be a VLAN member.
	h.do(set(TableVlanMember, "Vlan10|PortChannel1", "tagging_mode", "tagged"))
	h.row(AppVlanMemberTable, "Vlan10:PortChannel1", "tagging_mode", "tagged")
	// A port in two LAGs.
	h.do(set(TablePortChannel, "PortChannel2"), set(TablePortChannelMember, "PortChannel2|Ethernet0"))
	h.rejected(TablePortChannelMember, "PortChannel2|Ethernet0", KeyField, "port Ethernet0 is already used by PORTCHANNEL_MEMBER|PortChannel1|Ethernet0")
}

func TestNewRowsRolePrecedence(t *testing.T) {
	h := newHarness(t,
		set(TablePort, "Ethernet0", "lanes", "0"),
		set(TableVlan, "Vlan10", "vlanid", "10"),
		set(TablePortChannel, "PortChannel1"),
		set(TableVlanMember, "Vlan10|Ethernet0", "tagging_mode", "tagged"),
		set(TablePortChannelMember, "PortChannel1|Ethernet0"),
		set(TableInterface, "Ethernet0"))
	h.accepted(TablePortChannelMember, "PortChannel1|Ethernet0")
	h.rejected(TableVlanMember, "Vlan10|Ethernet0", KeyField, "PortChannel member")
	h.rejected(TableInterface, "Ethernet0", KeyField, "PortChannel member")
}

func TestRouteResolution(t *testing.T) {
	h := newHarness(t, baseConfig()...)
	h.do(set(TableStaticRoute, "10.50.0.0/16", "nexthop", "10.0.50.2"))
	h.rejected(TableStaticRoute, "10.50.0.0/16", "nexthop", "10.0.50.2 is in no subnet")
	h.do(set(TableVlan, "Vlan50", "vlanid", "50"), set(TableVlanInterface, "Vlan50"), set(TableVlanInterface, "Vlan50|10.0.50.1/24"))
	h.row(AppRouteTable, "10.50.0.0/16", "nexthop", "10.0.50.2", "ifname", "Vlan50")
	h.do(set(TableStaticRoute, "fc00:99::/64", "ifname", "Vlan10"))
	h.row(AppRouteTable, "fc00:99::/64", "nexthop", "::", "ifname", "Vlan10")
	h.do(set(TableStaticRoute, "0.0.0.0/0", "blackhole", "true"))
	h.row(AppRouteTable, "0.0.0.0/0", "blackhole", "true")
	h.do(set(TableStaticRoute, "0.0.0.0/0", "nexthop", "10.0.10.9,10.0.20.9"))
	h.row(AppRouteTable, "0.0.0.0/0", "nexthop", "10.0.10.9,10.0.20.9", "ifname", "Vlan10,Vlan20")
	// The subnet goes: the resolved route is withdrawn and waits.
	h.do(del(TableVlanInterface, "Vlan50|10.0.50.1/24"))
	h.noRow(AppRouteTable, "10.50.0.0/16")
	h.rejected(TableStaticRoute, "10.50.0.0/16", "nexthop", "in no subnet")
}
