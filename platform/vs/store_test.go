package vs

import (
	"strings"
	"testing"

	"github.com/vltgw/vltgw/hal/sai"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// TestSAIRules: one case per rule the store enforces, each with the exact
// status and a message naming what is wrong.
func TestSAIRules(t *testing.T) {
	cfg := testConfig(4)
	cfg.Capacity.MyMAC = 3
	ts := newTestSwitch(t, cfg)
	p0, p4, p8 := ts.port("Ethernet0"), ts.port("Ethernet4"), ts.port("Ethernet8")
	v10 := ts.vlan(10)
	bp0 := ts.bridgePort(p0)
	vm := ts.member(v10, bp0, false)
	lagOID := ts.lag("Ethernet8")
	rif := ts.vlanRIF(v10, "")
	g := ts.create(tIsoGroup, aEnum("SAI_ISOLATION_GROUP_ATTR_TYPE", isoTypeBridgePort))
	ts.myMAC("00:01:e8:00:00:0c", 10)
	ts.must(createEntryOp(fdbKeyOf(v10, hostA), aEnum("SAI_FDB_ENTRY_ATTR_TYPE", fdbStatic), aOID("SAI_FDB_ENTRY_ATTR_BRIDGE_PORT_ID", bp0)))
	ts.route("10.10.0.0/24", aOID("SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID", rif))
	var defaultVLAN uint64
	for _, a := range ts.get(oidKey(tSwitch, ts.sw.SwitchID()), "SAI_SWITCH_ATTR_DEFAULT_VLAN_ID") {
		defaultVLAN = a.GetOid()
	}

	const (
		ok       = halv1.Status_STATUS_SUCCESS
		badParam = halv1.Status_STATUS_INVALID_PARAMETER
		exists   = halv1.Status_STATUS_ITEM_ALREADY_EXISTS
		notFound = halv1.Status_STATUS_ITEM_NOT_FOUND
		full     = halv1.Status_STATUS_TABLE_FULL
		inUse    = halv1.Status_STATUS_OBJECT_IN_USE
		missing  = halv1.Status_STATUS_MANDATORY_ATTRIBUTE_MISSING
		badAttr  = halv1.Status_STATUS_INVALID_ATTRIBUTE
		badValue = halv1.Status_STATUS_INVALID_ATTR_VALUE
		badType  = halv1.Status_STATUS_INVALID_OBJECT_TYPE
		badOID   = halv1.Status_STATUS_INVALID_OBJECT_ID
		notSupp  = halv1.Status_STATUS_NOT_SUPPORTED
	)
	myMAC := func(mac string, vid uint32, extra ...*halv1.Attribute) *halv1.Op {
		return createOp(tMyMAC, append([]*halv1.Attribute{aMAC("SAI_MY_MAC_ATTR_MAC_ADDRESS", mac), aU32("SAI_MY_MAC_ATTR_VLAN_ID", vid)}, extra...)...)
	}
	tests := []struct {
		name string
		op   *halv1.Op
		want halv1.Status
		msg  string // a fragment the message must contain
	}{
		{"unknown object type", createOp(halv1.ObjectType(99)), badType, "unknown object type 99"},
		{"type the platform does not model", createOp(halv1.ObjectType(7)), badType, "unknown object type 7"},
		{"nil key", &halv1.Op{Kind: halv1.Op_KIND_CREATE}, badParam, "key missing"},
		{"op kind unspecified", &halv1.Op{Key: &halv1.ObjectKey{Type: tVLAN}}, badParam, "op kind"},
		{"unknown attribute", createOp(tVLAN, aU32("SAI_VLAN_ATTR_VLAN_ID", 11), aU32("SAI_VLAN_ATTR_NO_SUCH", 1)), badAttr, "SAI_VLAN_ATTR_NO_SUCH"},
		{"attribute of another type", createOp(tVLAN, aU32("SAI_PORT_ATTR_MTU", 1500)), badAttr, "SAI_PORT_ATTR_MTU"},
		{"read-only attribute on create", createOp(tVLAN, aU32("SAI_VLAN_ATTR_VLAN_ID", 11), aOID("SAI_VLAN_ATTR_MEMBER_LIST", 0)), badAttr, "read-only"},
		{"mandatory attribute missing", createOp(tVLAN), missing, "SAI_VLAN_ATTR_VLAN_ID"},
		{"conditionally mandatory attribute missing", createOp(tBridgePt, aEnum("SAI_BRIDGE_PORT_ATTR_TYPE", bpTypePort)), missing, "SAI_BRIDGE_PORT_ATTR_PORT_ID"},
		{"MY_MAC without its MAC", createOp(tMyMAC, aU32("SAI_MY_MAC_ATTR_VLAN_ID", 10)), missing, "SAI_MY_MAC_ATTR_MAC_ADDRESS"},
		{"set a create-only attribute", setOp(oidKey(tVLAN, v10), aU32("SAI_VLAN_ATTR_VLAN_ID", 12)), badAttr, "create-only"},
		{"set a read-only attribute", setOp(oidKey(tPort, p0), aEnum("SAI_PORT_ATTR_OPER_STATUS", operUp)), badAttr, "read-only"},
		{"wrong value kind", createOp(tVLAN, aBool("SAI_VLAN_ATTR_VLAN_ID", true)), badValue, "want a u32"},
		{"value out of range", createOp(tVLAN, aU32("SAI_VLAN_ATTR_VLAN_ID", 4095)), badValue, "outside 1-4094"},
		{"MY_MAC VLAN out of range", myMAC("00:01:e8:00:00:0d", 4095), badValue, "SAI_MY_MAC_ATTR_VLAN_ID"},
		{"MAC of 5 octets", createOp(tMyMAC, &halv1.Attribute{Id: "SAI_MY_MAC_ATTR_MAC_ADDRESS", Value: &halv1.Attribute_Mac{Mac: []byte{1, 2, 3, 4, 5}}}), badValue, "6-octet"},
		{"attribute without a value", createOp(tVLAN, &halv1.Attribute{Id: "SAI_VLAN_ATTR_VLAN_ID"}), badValue, "want a u32"},
		{"enum value not of the attribute", createOp(tBridgePt, aEnum("SAI_BRIDGE_PORT_ATTR_TYPE", "SAI_BRIDGE_PORT_TYPE_BOGUS")), badValue, "BOGUS"},
		{"IP of 5 octets", createOp(tNextHop, aEnum("SAI_NEXT_HOP_ATTR_TYPE", "SAI_NEXT_HOP_TYPE_IP"),
			&halv1.Attribute{Id: "SAI_NEXT_HOP_ATTR_IP", Value: &halv1.Attribute_Ip{Ip: []byte{1, 2, 3, 4, 5}}}, aOID("SAI_NEXT_HOP_ATTR_ROUTER_INTERFACE_ID", rif)), badValue, "4- or 16-octet"},
		{"dangling reference", createOp(tVLANMem, aOID("SAI_VLAN_MEMBER_ATTR_VLAN_ID", rid(tVLAN, 999999)), aOID("SAI_VLAN_MEMBER_ATTR_BRIDGE_PORT_ID", bp0)), badOID, "does not exist"},
		{"reference of the wrong type", createOp(tVLANMem, aOID("SAI_VLAN_MEMBER_ATTR_VLAN_ID", p4), aOID("SAI_VLAN_MEMBER_ATTR_BRIDGE_PORT_ID", bp0)), badOID, "not a SAI_OBJECT_TYPE_VLAN"},
		{"null reference where none is allowed", createOp(tVLANMem, aOID("SAI_VLAN_MEMBER_ATTR_VLAN_ID", 0), aOID("SAI_VLAN_MEMBER_ATTR_BRIDGE_PORT_ID", bp0)), badValue, "null"},
		{"entry key referencing a missing VLAN", createEntryOp(fdbKeyOf(rid(tVLAN, 888888), hostB), aEnum("SAI_FDB_ENTRY_ATTR_TYPE", fdbStatic)), badOID, "bv_id"},
		{"remove a referenced VLAN", removeOp(oidKey(tVLAN, v10)), inUse, "referenced by"},
		{"remove a bridge port a static FDB entry uses", removeOp(oidKey(tBridgePt, bp0)), inUse, "referenced by"},
		{"remove the default VLAN (the switch points at it)", removeOp(oidKey(tVLAN, defaultVLAN)), inUse, "referenced by"},
		{"remove a router interface a route uses", removeOp(oidKey(tRIF, rif)), inUse, "referenced by"},
		{"remove a port", removeOp(oidKey(tPort, p4)), notSupp, "platform"},
		{"create a port", createOp(tPort, &halv1.Attribute{Id: "SAI_PORT_ATTR_HW_LANE_LIST", Value: &halv1.Attribute_U32List{U32List: &halv1.U32List{Values: []uint32{99}}}}, aU32("SAI_PORT_ATTR_SPEED", 1000)), notSupp, "platform configuration"},
		{"create a second switch", createOp(tSwitch, aBool("SAI_SWITCH_ATTR_INIT_SWITCH", true)), exists, "one switch"},
		{"duplicate MY_MAC tuple", myMAC("00:01:e8:00:00:0c", 10, aMAC("SAI_MY_MAC_ATTR_MAC_ADDRESS_MASK", "ff:ff:ff:ff:ff:ff")), exists, "exists"},
		{"second VLAN with the same VLAN_ID", createOp(tVLAN, aU32("SAI_VLAN_ATTR_VLAN_ID", 10)), exists, "VLAN 10 already exists"},
		{"second bridge port for a port", createOp(tBridgePt, aEnum("SAI_BRIDGE_PORT_ATTR_TYPE", bpTypePort), aOID("SAI_BRIDGE_PORT_ATTR_PORT_ID", p0)), exists, "already has bridge port"},
		{"second VLAN member for the same bridge port", createOp(tVLANMem, aOID("SAI_VLAN_MEMBER_ATTR_VLAN_ID", v10), aOID("SAI_VLAN_MEMBER_ATTR_BRIDGE_PORT_ID", bp0)), exists, "already a member"},
		{"port in a second LAG", createOp(tLAGMember, aOID("SAI_LAG_MEMBER_ATTR_LAG_ID", lagOID), aOID("SAI_LAG_MEMBER_ATTR_PORT_ID", p8)), exists, "already a LAG member"},
		{"duplicate FDB entry", createEntryOp(fdbKeyOf(v10, hostA), aEnum("SAI_FDB_ENTRY_ATTR_TYPE", fdbStatic), aOID("SAI_FDB_ENTRY_ATTR_BRIDGE_PORT_ID", bp0)), exists, "already exists"},
		{"duplicate route", createEntryOp(routeKeyOf(ts.vr, "10.10.0.0/24"), aOID("SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID", rif)), exists, "already exists"},
		{"second router interface on a VLAN", createOp(tRIF, aOID("SAI_ROUTER_INTERFACE_ATTR_VIRTUAL_ROUTER_ID", ts.vr), aEnum("SAI_ROUTER_INTERFACE_ATTR_TYPE", rifTypeVLAN), aOID("SAI_ROUTER_INTERFACE_ATTR_VLAN_ID", v10)), exists, "already has router interface"},
		{"route with host bits set", createEntryOp(routeKeyOf(ts.vr, "10.20.0.1/24")), badParam, "host bits"},
		{"route prefix longer than the address", createEntryOp(&halv1.ObjectKey{Type: tRoute, Key: &halv1.ObjectKey_RouteEntry{RouteEntry: &halv1.RouteEntry{VrId: ts.vr, Destination: &halv1.IpPrefix{Addr: []byte{10, 0, 0, 0}, PrefixLen: 33}}}}), badParam, "prefix length"},
		{"neighbour IP of 3 octets", createEntryOp(&halv1.ObjectKey{Type: tNeighbor, Key: &halv1.ObjectKey_NeighborEntry{NeighborEntry: &halv1.NeighborEntry{RifId: rif, IpAddress: []byte{1, 2, 3}}}}, aMAC("SAI_NEIGHBOR_ENTRY_ATTR_DST_MAC_ADDRESS", hostB)), badParam, "3 octets"},
		{"FDB key MAC of 7 octets", createEntryOp(&halv1.ObjectKey{Type: tFDB, Key: &halv1.ObjectKey_FdbEntry{FdbEntry: &halv1.FdbEntry{BvId: v10, Mac: make([]byte, 7)}}}, aEnum("SAI_FDB_ENTRY_ATTR_TYPE", fdbStatic)), badParam, "7 octets"},
		{"entry type with an oid key", createEntryOp(oidKey(tRoute, 5)), badParam, "want a route_entry"},
		{"oid type with an entry key", &halv1.Op{Kind: halv1.Op_KIND_REMOVE, Key: fdbKeyOfType(tVLAN)}, badParam, "keyed by an object id"},
		{"create with an oid", &halv1.Op{Kind: halv1.Op_KIND_CREATE, Key: oidKey(tVLAN, 7), Attrs: []*halv1.Attribute{aU32("SAI_VLAN_ATTR_VLAN_ID", 13)}}, badParam, "allocates ids"},
		{"switch id of another switch in a key", createEntryOp(&halv1.ObjectKey{Type: tFDB, Key: &halv1.ObjectKey_FdbEntry{FdbEntry: &halv1.FdbEntry{SwitchId: rid(tSwitch, 77777), BvId: v10, Mac: mustMAC(hostC)}}}, aEnum("SAI_FDB_ENTRY_ATTR_TYPE", fdbStatic)), badOID, "not this switch"},
		{"remove what does not exist", removeOp(oidKey(tVLAN, rid(tVLAN, 777777))), notFound, "does not exist"},
		{"remove an entry that does not exist", removeOp(fdbKeyOf(v10, hostC)), notFound, "does not exist"},
		{"set on an object of another type", setOp(oidKey(tVLAN, p0), aU32("SAI_PORT_ATTR_MTU", 1500)), badOID, "not a SAI_OBJECT_TYPE_VLAN"},
		{"set without attributes", setOp(oidKey(tPort, p0)), badParam, "without attributes"},
		{"isolation member of the wrong kind", createOp(tIsoMember, aOID("SAI_ISOLATION_GROUP_MEMBER_ATTR_ISOLATION_GROUP_ID", g), aOID("SAI_ISOLATION_GROUP_MEMBER_ATTR_ISOLATION_OBJECT", p4)), badValue, "takes SAI_OBJECT_TYPE_BRIDGE_PORT"},
		{"FDB entry on a bridge port outside the VLAN", createEntryOp(fdbKeyOf(defaultVLAN, hostB), aEnum("SAI_FDB_ENTRY_ATTR_TYPE", fdbStatic), aOID("SAI_FDB_ENTRY_ATTR_BRIDGE_PORT_ID", bp0)), badParam, "not a member"},
		{"MY_MAC differing in port only is not a duplicate", myMAC("00:01:e8:00:00:0c", 10, aOID("SAI_MY_MAC_ATTR_PORT_ID", p4)), ok, ""},
		{"MY_MAC fills the table (3 of 3)", myMAC("00:01:e8:00:00:0d", 0), ok, ""},
		{"MY_MAC table full", myMAC("00:01:e8:00:00:0e", 0), full, "table full (3 entries)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := ts.do(tc.op)
			if r.GetStatus() != tc.want {
				t.Fatalf("%s (%s), want %s", sai.StatusName(r.GetStatus()), r.GetMessage(), sai.StatusName(tc.want))
			}
			if !strings.Contains(r.GetMessage(), tc.msg) {
				t.Errorf("message %q does not mention %q", r.GetMessage(), tc.msg)
			}
		})
	}
	_ = vm
}

func fdbKeyOfType(t halv1.ObjectType) *halv1.ObjectKey {
	k := fdbKeyOf(1, hostA)
	k.Type = t
	return k
}

// TestReferenceCounting: removing the referencing object frees the
// referenced one; a SET moves references; a full table takes entries
// again after a removal.
func TestReferenceCounting(t *testing.T) {
	cfg := testConfig(2)
	cfg.Capacity.MyMAC = 1
	ts := newTestSwitch(t, cfg)
	v := ts.vlan(10)
	bp := ts.bridgePort(ts.port("Ethernet0"))
	m := ts.member(v, bp, false)
	if r := ts.do(removeOp(oidKey(tVLAN, v))); r.GetStatus() != halv1.Status_STATUS_OBJECT_IN_USE {
		t.Fatalf("remove VLAN with a member: %v", r)
	}
	ts.must(removeOp(oidKey(tVLANMem, m)))
	ts.must(removeOp(oidKey(tVLAN, v)))

	g1 := ts.create(tIsoGroup, aEnum("SAI_ISOLATION_GROUP_ATTR_TYPE", isoTypeBridgePort))
	g2 := ts.create(tIsoGroup, aEnum("SAI_ISOLATION_GROUP_ATTR_TYPE", isoTypeBridgePort))
	ts.must(setOp(oidKey(tBridgePt, bp), aOID("SAI_BRIDGE_PORT_ATTR_ISOLATION_GROUP", g1)))
	if r := ts.do(removeOp(oidKey(tIsoGroup, g1))); r.GetStatus() != halv1.Status_STATUS_OBJECT_IN_USE {
		t.Fatalf("remove a group in use: %v", r)
	}
	ts.must(setOp(oidKey(tBridgePt, bp), aOID("SAI_BRIDGE_PORT_ATTR_ISOLATION_GROUP", g2)))
	ts.must(removeOp(oidKey(tIsoGroup, g1)))
	ts.must(setOp(oidKey(tBridgePt, bp), aOID("SAI_BRIDGE_PORT_ATTR_ISOLATION_GROUP", 0)))
	ts.must(removeOp(oidKey(tIsoGroup, g2)))

	a := ts.myMAC("00:01:e8:00:00:0c", 10)
	if r := ts.do(createOp(tMyMAC, aMAC("SAI_MY_MAC_ATTR_MAC_ADDRESS", "00:01:e8:00:00:0d"))); r.GetStatus() != halv1.Status_STATUS_TABLE_FULL {
		t.Fatalf("second MY_MAC with capacity 1: %v", r)
	}
	ts.must(removeOp(oidKey(tMyMAC, a)))
	ts.myMAC("00:01:e8:00:00:0d", 0)
	caps := ts.sw.Capabilities()
	for _, tb := range caps.GetTables() {
		if tb.GetType() == tMyMAC && (tb.GetCapacity() != 1 || tb.GetUsed() != 1) {
			t.Errorf("MY_MAC table %v", tb)
		}
	}
}

// TestWriteModes: STOP_ON_ERROR leaves the rest NOT_EXECUTED; CONTINUE
// tries every op.
func TestWriteModes(t *testing.T) {
	ts := newTestSwitch(t, testConfig(1))
	ops := func() []*halv1.Op {
		return []*halv1.Op{
			createOp(tVLAN, aU32("SAI_VLAN_ATTR_VLAN_ID", 100)),
			createOp(tVLAN, aU32("SAI_VLAN_ATTR_VLAN_ID", 100)),
			createOp(tVLAN, aU32("SAI_VLAN_ATTR_VLAN_ID", 101)),
		}
	}
	resp := ts.sw.Write(&halv1.WriteRequest{Ops: ops(), Mode: halv1.WriteRequest_MODE_STOP_ON_ERROR})
	want := []halv1.Status{halv1.Status_STATUS_SUCCESS, halv1.Status_STATUS_ITEM_ALREADY_EXISTS, halv1.Status_STATUS_NOT_EXECUTED}
	for i, r := range resp.GetResults() {
		if r.GetStatus() != want[i] {
			t.Errorf("stop-on-error op %d: %s, want %s", i, sai.StatusName(r.GetStatus()), sai.StatusName(want[i]))
		}
	}
	if r := ts.sw.Get(oidKey(tVLAN, resp.GetResults()[0].GetOid())); r.GetStatus() != halv1.Status_STATUS_SUCCESS {
		t.Errorf("op 0 not applied")
	}
	resp = ts.sw.Write(&halv1.WriteRequest{Ops: ops()[1:]})
	if resp.GetResults()[0].GetStatus() != halv1.Status_STATUS_ITEM_ALREADY_EXISTS || resp.GetResults()[1].GetStatus() != halv1.Status_STATUS_SUCCESS {
		t.Errorf("continue: %v", resp.GetResults())
	}
}

// TestGetDefaultsAndComputed: unset attributes read as SAI defaults;
// member lists are computed.
func TestGetDefaultsAndComputed(t *testing.T) {
	ts := newTestSwitch(t, testConfig(2))
	v := ts.vlan(10)
	bp := ts.bridgePort(ts.port("Ethernet0"))
	m := ts.member(v, bp, true)
	mm := ts.create(tMyMAC, aMAC("SAI_MY_MAC_ATTR_MAC_ADDRESS", "00:01:e8:00:00:0c"))
	lagOID := ts.lag("Ethernet4")
	got := ts.get(oidKey(tMyMAC, mm), "SAI_MY_MAC_ATTR_MAC_ADDRESS_MASK", "SAI_MY_MAC_ATTR_VLAN_ID", "SAI_MY_MAC_ATTR_PORT_ID")
	if sai.FormatMAC(got[0].GetMac()) != "FF:FF:FF:FF:FF:FF" || got[1].GetU32() != 0 || got[2].GetOid() != 0 {
		t.Errorf("MY_MAC defaults %v", got)
	}
	if got := ts.get(oidKey(tVLAN, v), "SAI_VLAN_ATTR_MEMBER_LIST"); len(got[0].GetOidList().GetOids()) != 1 || got[0].GetOidList().GetOids()[0] != m {
		t.Errorf("member list %v", got)
	}
	if got := ts.get(oidKey(tLAG, lagOID), "SAI_LAG_ATTR_PORT_LIST"); len(got[0].GetOidList().GetOids()) != 1 {
		t.Errorf("LAG port list %v", got)
	}
	if got := ts.get(oidKey(tPort, ts.port("Ethernet0")), "SAI_PORT_ATTR_OPER_STATUS", "SAI_PORT_ATTR_HW_LANE_LIST"); got[0].GetEnumName() != operDown ||
		len(got[1].GetU32List().GetValues()) != 1 {
		t.Errorf("port %v", got)
	}
	if r := ts.sw.Get(oidKey(tVLAN, v), "SAI_VLAN_ATTR_BOGUS"); r.GetStatus() != halv1.Status_STATUS_INVALID_ATTRIBUTE {
		t.Errorf("unknown attribute: %v", r)
	}
	if r := ts.sw.Get(nil); r.GetStatus() != halv1.Status_STATUS_INVALID_PARAMETER {
		t.Errorf("nil key: %v", r)
	}
}
