package sai

import (
	"testing"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// The next hop group objects follow sainexthopgroup.h: the group's TYPE is
// mandatory and create-only, its count and member list read-only; a
// member's group and next hop are mandatory and create-only, its weight
// settable (default 1); a route may point at a group.
func TestNextHopGroupMetadata(t *testing.T) {
	oidA := func(id string, v uint64) *halv1.Attribute {
		return &halv1.Attribute{Id: id, Value: &halv1.Attribute_Oid{Oid: v}}
	}
	ecmp := &halv1.Attribute{Id: "SAI_NEXT_HOP_GROUP_ATTR_TYPE", Value: &halv1.Attribute_EnumName{EnumName: NextHopGroupTypeECMP}}
	grp := oidA("SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_GROUP_ID", 5)
	nh := oidA("SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_ID", 4)
	weight := func(w uint32) *halv1.Attribute {
		return &halv1.Attribute{Id: "SAI_NEXT_HOP_GROUP_MEMBER_ATTR_WEIGHT", Value: &halv1.Attribute_U32{U32: w}}
	}
	for _, c := range []struct {
		name  string
		t     halv1.ObjectType
		attrs []*halv1.Attribute
		want  halv1.Status
	}{
		{"group", tNHGroup, []*halv1.Attribute{ecmp}, halv1.Status_STATUS_SUCCESS},
		{"group, SAI's older ECMP name", tNHGroup, []*halv1.Attribute{{Id: "SAI_NEXT_HOP_GROUP_ATTR_TYPE",
			Value: &halv1.Attribute_EnumName{EnumName: "SAI_NEXT_HOP_GROUP_TYPE_ECMP"}}}, halv1.Status_STATUS_SUCCESS},
		{"group without TYPE", tNHGroup, nil, halv1.Status_STATUS_MANDATORY_ATTRIBUTE_MISSING},
		{"group of an unsupported type", tNHGroup, []*halv1.Attribute{{Id: "SAI_NEXT_HOP_GROUP_ATTR_TYPE",
			Value: &halv1.Attribute_EnumName{EnumName: "SAI_NEXT_HOP_GROUP_TYPE_PROTECTION"}}}, halv1.Status_STATUS_INVALID_ATTR_VALUE},
		{"group with its read-only count", tNHGroup, []*halv1.Attribute{ecmp, {Id: "SAI_NEXT_HOP_GROUP_ATTR_NEXT_HOP_COUNT",
			Value: &halv1.Attribute_U32{U32: 2}}}, halv1.Status_STATUS_INVALID_ATTRIBUTE},
		{"member", tNHGMember, []*halv1.Attribute{grp, nh}, halv1.Status_STATUS_SUCCESS},
		{"member with weight", tNHGMember, []*halv1.Attribute{grp, nh, weight(3)}, halv1.Status_STATUS_SUCCESS},
		{"member with weight 0", tNHGMember, []*halv1.Attribute{grp, nh, weight(0)}, halv1.Status_STATUS_INVALID_ATTR_VALUE},
		{"member without group", tNHGMember, []*halv1.Attribute{nh}, halv1.Status_STATUS_MANDATORY_ATTRIBUTE_MISSING},
		{"member without next hop", tNHGMember, []*halv1.Attribute{grp}, halv1.Status_STATUS_MANDATORY_ATTRIBUTE_MISSING},
		{"member with a null next hop", tNHGMember, []*halv1.Attribute{grp, oidA("SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_ID", 0)}, halv1.Status_STATUS_INVALID_ATTR_VALUE},
	} {
		if got := StatusOf(ValidateCreate(c.t, c.attrs), 0); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	for _, c := range []struct {
		t    halv1.ObjectType
		a    *halv1.Attribute
		want halv1.Status
	}{
		{tNHGroup, ecmp, halv1.Status_STATUS_INVALID_ATTRIBUTE},
		{tNHGMember, grp, halv1.Status_STATUS_INVALID_ATTRIBUTE},
		{tNHGMember, nh, halv1.Status_STATUS_INVALID_ATTRIBUTE},
		{tNHGMember, weight(2), halv1.Status_STATUS_SUCCESS},
	} {
		if got := StatusOf(ValidateSet(c.t, c.a), 0); got != c.want {
			t.Errorf("set %s: %v, want %v", c.a.GetId(), got, c.want)
		}
	}
	m, ok := Attr(tRoute, "SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID")
	if !ok {
		t.Fatal("route NEXT_HOP_ID missing")
	}
	found := false
	for _, rt := range m.RefTypes {
		found = found || rt == tNHGroup
	}
	if !found {
		t.Fatalf("route NEXT_HOP_ID references %v, want a NEXT_HOP_GROUP among them", m.RefTypes)
	}
	if w, _ := Attr(tNHGMember, "SAI_NEXT_HOP_GROUP_MEMBER_ATTR_WEIGHT"); w.Default.GetU32() != 1 {
		t.Fatalf("member WEIGHT default %v, want 1", w.Default)
	}
	if !(DependencyRank(tNextHop) < DependencyRank(tNHGroup) && DependencyRank(tNHGroup) < DependencyRank(tNHGMember) &&
		DependencyRank(tNHGMember) < DependencyRank(tRoute)) {
		t.Fatal("restart order must be NEXT_HOP, NEXT_HOP_GROUP, its members, then routes")
	}
}

// ASIC_DB strings: the names SONiC writes, the VID type bytes of saitypes.h.
func TestNextHopGroupWire(t *testing.T) {
	for _, c := range []struct {
		t            halv1.ObjectType
		field, value string
	}{
		{tNHGroup, "SAI_NEXT_HOP_GROUP_ATTR_TYPE", NextHopGroupTypeECMP},
		{tNHGroup, "SAI_NEXT_HOP_GROUP_ATTR_NEXT_HOP_COUNT", "2"},
		{tNHGroup, "SAI_NEXT_HOP_GROUP_ATTR_NEXT_HOP_MEMBER_LIST", "2:oid:0x2d000000000007,oid:0x2d000000000008"},
		{tNHGMember, "SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_GROUP_ID", "oid:0x5000000000006"},
		{tNHGMember, "SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_ID", "oid:0x4000000000003"},
		{tNHGMember, "SAI_NEXT_HOP_GROUP_MEMBER_ATTR_WEIGHT", "1"},
		{tRoute, "SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID", "oid:0x5000000000006"},
	} {
		a, err := ParseAttr(c.t, c.field, c.value)
		if err != nil {
			t.Errorf("ParseAttr(%s=%s): %v", c.field, c.value, err)
			continue
		}
		if f, v, err := FormatAttr(a); err != nil || f != c.field || v != c.value {
			t.Errorf("round trip %s=%s → %s=%s (%v)", c.field, c.value, f, v, err)
		}
	}
	if TypeName(tNHGroup) != "SAI_OBJECT_TYPE_NEXT_HOP_GROUP" || TypeName(tNHGMember) != "SAI_OBJECT_TYPE_NEXT_HOP_GROUP_MEMBER" {
		t.Fatal(TypeName(tNHGroup), TypeName(tNHGMember))
	}
	if VIDType(VID(0, tNHGroup, 6)) != tNHGroup || VID(0, tNHGroup, 6) != 0x5000000000006 || VID(0, tNHGMember, 7) != 0x2d000000000007 {
		t.Fatalf("VIDs %#x %#x", VID(0, tNHGroup, 6), VID(0, tNHGMember, 7))
	}
	if o, ok := ObjectByName("SAI_OBJECT_TYPE_NEXT_HOP_GROUP_MEMBER"); !ok || o.Type != tNHGMember {
		t.Fatal("ObjectByName NEXT_HOP_GROUP_MEMBER")
	}
}
