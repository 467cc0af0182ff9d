package sai

import (
	"testing"

	"google.golang.org/protobuf/proto"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

func TestAttrGoldenStrings(t *testing.T) {
	cases := []struct {
		t            halv1.ObjectType
		field, value string
	}{
		{tMyMAC, "SAI_MY_MAC_ATTR_MAC_ADDRESS", "00:01:E8:00:00:0C"},
		{tMyMAC, "SAI_MY_MAC_ATTR_VLAN_ID", "10"},
		{tMyMAC, "SAI_MY_MAC_ATTR_PORT_ID", "oid:0x0"},
		{tRIF, "SAI_ROUTER_INTERFACE_ATTR_VLAN_ID", "oid:0x26000000000001"},
		{tRIF, "SAI_ROUTER_INTERFACE_ATTR_TYPE", "SAI_ROUTER_INTERFACE_TYPE_VLAN"},
		{tPort, "SAI_PORT_ATTR_ADMIN_STATE", "true"},
		{tPort, "SAI_PORT_ATTR_HW_LANE_LIST", "4:0,1,2,3"},
		{tSwitch, "SAI_SWITCH_ATTR_PORT_LIST", "2:oid:0x1000000000001,oid:0x1000000000002"},
		{tSwitch, "SAI_SWITCH_ATTR_PORT_LIST", "0:null"},
		{tNextHop, "SAI_NEXT_HOP_ATTR_IP", "10.10.0.4"},
		{tNextHop, "SAI_NEXT_HOP_ATTR_IP", "fc00::4"},
		{tHostif, "SAI_HOSTIF_ATTR_NAME", "Ethernet0"},
	}
	for _, c := range cases {
		a, err := ParseAttr(c.t, c.field, c.value)
		if err != nil {
			t.Errorf("ParseAttr(%s=%s): %v", c.field, c.value, err)
			continue
		}
		f, v, err := FormatAttr(a)
		if err != nil || f != c.field || v != c.value {
			t.Errorf("round trip %s=%s → %s=%s (%v)", c.field, c.value, f, v, err)
		}
	}
	// Lower-case MAC input is accepted and rendered upper-case.
	a, err := ParseAttr(tMyMAC, "SAI_MY_MAC_ATTR_MAC_ADDRESS", "00:01:e8:00:00:0c")
	if err != nil {
		t.Fatal(err)
	}
	if _, v, _ := FormatAttr(a); v != "00:01:E8:00:00:0C" {
		t.Fatalf("MAC rendered %q", v)
	}
}

func TestAttrParseErrorsNameAttribute(t *testing.T) {
	cases := []struct {
		t            halv1.ObjectType
		field, value string
		want         halv1.Status
	}{
		{tMyMAC, "SAI_MY_MAC_ATTR_NOPE", "1", halv1.Status_STATUS_INVALID_ATTRIBUTE},
		{tMyMAC, "SAI_MY_MAC_ATTR_MAC_ADDRESS", "00:01:e8", halv1.Status_STATUS_INVALID_ATTR_VALUE},
		{tMyMAC, "SAI_MY_MAC_ATTR_VLAN_ID", "-1", halv1.Status_STATUS_INVALID_ATTR_VALUE},
		{tPort, "SAI_PORT_ATTR_ADMIN_STATE", "yes", halv1.Status_STATUS_INVALID_ATTR_VALUE},
		{tPort, "SAI_PORT_ATTR_HW_LANE_LIST", "3:0,1", halv1.Status_STATUS_INVALID_ATTR_VALUE},
		{tRIF, "SAI_ROUTER_INTERFACE_ATTR_TYPE", "SAI_ROUTER_INTERFACE_TYPE_BOGUS", halv1.Status_STATUS_INVALID_ATTR_VALUE},
		{tRIF, "SAI_ROUTER_INTERFACE_ATTR_VLAN_ID", "0x26", halv1.Status_STATUS_INVALID_ATTR_VALUE},
	}
	for _, c := range cases {
		_, err := ParseAttr(c.t, c.field, c.value)
		if got := StatusOf(err, halv1.Status_STATUS_FAILURE); got != c.want {
			t.Errorf("%s=%q: status %v (%v), want %v", c.field, c.value, got, err, c.want)
		}
		if err != nil && !containsStr(err.Error(), c.field) {
			t.Errorf("error %q does not name %s", err, c.field)
		}
	}
}

func containsStr(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestKeyGoldenStrings(t *testing.T) {
	for _, s := range []string{
		`SAI_OBJECT_TYPE_MY_MAC:oid:0x61000000000005`,
		`SAI_OBJECT_TYPE_ROUTE_ENTRY:{"dest":"10.0.0.0/24","switch_id":"oid:0x21000000000000","vr":"oid:0x3000000000001"}`,
		`SAI_OBJECT_TYPE_ROUTE_ENTRY:{"dest":"fc00::/64","switch_id":"oid:0x21000000000000","vr":"oid:0x3000000000001"}`,
		`SAI_OBJECT_TYPE_FDB_ENTRY:{"bvid":"oid:0x26000000000001","mac":"00:11:22:33:44:55","switch_id":"oid:0x21000000000000"}`,
		`SAI_OBJECT_TYPE_NEIGHBOR_ENTRY:{"ip":"10.10.0.100","rif":"oid:0x6000000000007","switch_id":"oid:0x21000000000000"}`,
	} {
		k, err := ParseKey(s)
		if err != nil {
			t.Errorf("ParseKey(%s): %v", s, err)
			continue
		}
		got, err := FormatKey(k)
		if err != nil || got != s {
			t.Errorf("round trip\n got %s\nwant %s (%v)", got, s, err)
		}
	}
	for s, want := range map[string]halv1.Status{
		"SAI_OBJECT_TYPE_BOGUS:oid:0x1":               halv1.Status_STATUS_INVALID_OBJECT_TYPE,
		"no-colon":                                    halv1.Status_STATUS_INVALID_PARAMETER,
		"SAI_OBJECT_TYPE_MY_MAC:0x61":                 halv1.Status_STATUS_INVALID_PARAMETER,
		`SAI_OBJECT_TYPE_ROUTE_ENTRY:{"dest":"10.0"}`: halv1.Status_STATUS_INVALID_PARAMETER,
	} {
		if _, err := ParseKey(s); StatusOf(err, 0) != want {
			t.Errorf("ParseKey(%q) = %v, want %v", s, err, want)
		}
	}
}

func TestVIDLayout(t *testing.T) {
	v := VID(0, tMyMAC, 5)
	if FormatOID(v) != "oid:0x61000000000005" || VIDType(v) != tMyMAC {
		t.Fatalf("VID = %s type %v", FormatOID(v), VIDType(v))
	}
	if sw := VID(0, tSwitch, 0); FormatOID(sw) != "oid:0x21000000000000" {
		t.Fatalf("switch VID %s", FormatOID(sw))
	}
	v = VID(3, tVLAN, 1<<40|7) // the counter keeps its low 39 bits
	if VIDSwitchIndex(v) != 3 || VIDType(v) != tVLAN || v&vidCounterMask != 7 {
		t.Fatalf("VID fields %x", v)
	}
	if p, err := ParseOID("oid:0x26000000000001"); err != nil || p != VID(0, tVLAN, 1) {
		t.Fatalf("ParseOID %x %v", p, err)
	}
}

func TestMapOIDs(t *testing.T) {
	fn := func(v uint64) (uint64, bool) { return v + 1, v != 99 }
	a := &halv1.Attribute{Id: "SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID", Value: &halv1.Attribute_Oid{Oid: 10}}
	m, err := MapOIDs(a, fn)
	if err != nil || m.GetOid() != 11 || a.GetOid() != 10 {
		t.Fatalf("mapped %v %v (input %v)", m, err, a)
	}
	plain := &halv1.Attribute{Id: "SAI_PORT_ATTR_MTU", Value: &halv1.Attribute_U32{U32: 9100}}
	if m, _ := MapOIDs(plain, fn); m != plain {
		t.Fatal("attribute without ids was copied")
	}
	if _, err := MapOIDs(&halv1.Attribute{Id: "X", Value: &halv1.Attribute_Oid{Oid: 99}}, fn); StatusOf(err, 0) != halv1.Status_STATUS_INVALID_OBJECT_ID {
		t.Fatalf("unknown id: %v", err)
	}
	k := &halv1.ObjectKey{Type: tRoute, Key: &halv1.ObjectKey_RouteEntry{RouteEntry: &halv1.RouteEntry{SwitchId: 1, VrId: 2,
		Destination: &halv1.IpPrefix{Addr: []byte{10, 0, 0, 0}, PrefixLen: 8}}}}
	mk, err := MapKeyOIDs(k, fn)
	if err != nil || mk.GetRouteEntry().GetVrId() != 3 || mk.GetRouteEntry().GetSwitchId() != 2 {
		t.Fatalf("mapped key %v %v", mk, err)
	}
	if got := KeyRefOIDs(k); len(got) != 1 || got[0] != 2 {
		t.Fatalf("KeyRefOIDs %v", got)
	}
}

func TestObjectsInDependencyOrder(t *testing.T) {
	for _, o := range Objects() {
		for _, a := range o.Attrs {
			if a.Flags&FlagReadOnly != 0 {
				continue
			}
			for _, rt := range a.RefTypes {
				if DependencyRank(rt) > DependencyRank(o.Type) && !(o.Type == tBridgePt && rt == tIsoGroup) {
					t.Errorf("%s references %s which comes later", a.Name, TypeName(rt))
				}
			}
		}
	}
	if !proto.Equal(&halv1.Attribute{}, &halv1.Attribute{}) {
		t.Fatal("proto sanity")
	}
}
