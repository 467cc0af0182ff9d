package sai

import (
	"testing"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

func mac(b ...byte) *halv1.Attribute_Mac { return &halv1.Attribute_Mac{Mac: b} }

func TestValidateCreate(t *testing.T) {
	good := []*halv1.Attribute{
		{Id: "SAI_MY_MAC_ATTR_MAC_ADDRESS", Value: mac(0, 1, 0xe8, 0, 0, 0xc)},
		{Id: "SAI_MY_MAC_ATTR_VLAN_ID", Value: &halv1.Attribute_U32{U32: 10}},
	}
	if err := ValidateCreate(tMyMAC, good); err != nil {
		t.Fatalf("good MY_MAC refused: %v", err)
	}
	rifVLAN := &halv1.Attribute{Id: "SAI_ROUTER_INTERFACE_ATTR_TYPE", Value: &halv1.Attribute_EnumName{EnumName: "SAI_ROUTER_INTERFACE_TYPE_VLAN"}}
	vr := &halv1.Attribute{Id: "SAI_ROUTER_INTERFACE_ATTR_VIRTUAL_ROUTER_ID", Value: &halv1.Attribute_Oid{Oid: 7}}
	cases := []struct {
		name  string
		t     halv1.ObjectType
		attrs []*halv1.Attribute
		want  halv1.Status
	}{
		{"unknown type", halv1.ObjectType(999), nil, halv1.Status_STATUS_INVALID_OBJECT_TYPE},
		{"unknown attr", tMyMAC, append(good[:1:1], &halv1.Attribute{Id: "SAI_MY_MAC_ATTR_COLOUR", Value: &halv1.Attribute_U32{}}), halv1.Status_STATUS_INVALID_ATTRIBUTE},
		{"missing mandatory", tMyMAC, good[1:], halv1.Status_STATUS_MANDATORY_ATTRIBUTE_MISSING},
		{"conditional mandatory", tRIF, []*halv1.Attribute{vr, rifVLAN}, halv1.Status_STATUS_MANDATORY_ATTRIBUTE_MISSING},
		{"read-only on create", tVLAN, []*halv1.Attribute{{Id: "SAI_VLAN_ATTR_VLAN_ID", Value: &halv1.Attribute_U32{U32: 10}},
			{Id: "SAI_VLAN_ATTR_MEMBER_LIST", Value: &halv1.Attribute_OidList{OidList: &halv1.OidList{}}}}, halv1.Status_STATUS_INVALID_ATTRIBUTE},
		{"VLAN out of range", tVLAN, []*halv1.Attribute{{Id: "SAI_VLAN_ATTR_VLAN_ID", Value: &halv1.Attribute_U32{U32: 4095}}}, halv1.Status_STATUS_INVALID_ATTR_VALUE},
		{"wrong kind", tMyMAC, []*halv1.Attribute{{Id: "SAI_MY_MAC_ATTR_MAC_ADDRESS", Value: &halv1.Attribute_U32{U32: 1}}}, halv1.Status_STATUS_INVALID_ATTR_VALUE},
		{"short MAC", tMyMAC, []*halv1.Attribute{{Id: "SAI_MY_MAC_ATTR_MAC_ADDRESS", Value: mac(1, 2, 3)}}, halv1.Status_STATUS_INVALID_ATTR_VALUE},
		{"bad enum", tIsoGroup, []*halv1.Attribute{{Id: "SAI_ISOLATION_GROUP_ATTR_TYPE", Value: &halv1.Attribute_EnumName{EnumName: "SAI_ISOLATION_GROUP_TYPE_X"}}}, halv1.Status_STATUS_INVALID_ATTR_VALUE},
		{"null where not allowed", tVLANMem, []*halv1.Attribute{{Id: "SAI_VLAN_MEMBER_ATTR_VLAN_ID", Value: &halv1.Attribute_Oid{Oid: 0}}}, halv1.Status_STATUS_INVALID_ATTR_VALUE},
	}
	for _, c := range cases {
		err := ValidateCreate(c.t, c.attrs)
		if got := StatusOf(err, halv1.Status_STATUS_SUCCESS); got != c.want {
			t.Errorf("%s: %v (%v), want %v", c.name, got, err, c.want)
		}
	}
	// With its VLAN_ID the VLAN RIF is fine.
	if err := ValidateCreate(tRIF, []*halv1.Attribute{vr, rifVLAN, {Id: "SAI_ROUTER_INTERFACE_ATTR_VLAN_ID", Value: &halv1.Attribute_Oid{Oid: 9}}}); err != nil {
		t.Fatalf("VLAN RIF refused: %v", err)
	}
}

func TestValidateSet(t *testing.T) {
	for _, c := range []struct {
		t    halv1.ObjectType
		a    *halv1.Attribute
		want halv1.Status
	}{
		{tPort, &halv1.Attribute{Id: "SAI_PORT_ATTR_ADMIN_STATE", Value: &halv1.Attribute_BoolValue{BoolValue: true}}, halv1.Status_STATUS_SUCCESS},
		{tMyMAC, &halv1.Attribute{Id: "SAI_MY_MAC_ATTR_VLAN_ID", Value: &halv1.Attribute_U32{U32: 20}}, halv1.Status_STATUS_INVALID_ATTRIBUTE},
		{tPort, &halv1.Attribute{Id: "SAI_PORT_ATTR_OPER_STATUS", Value: &halv1.Attribute_EnumName{EnumName: "SAI_PORT_OPER_STATUS_UP"}}, halv1.Status_STATUS_INVALID_ATTRIBUTE},
		{tPort, &halv1.Attribute{Id: "SAI_PORT_ATTR_MTU", Value: &halv1.Attribute_U32{U32: 10}}, halv1.Status_STATUS_INVALID_ATTR_VALUE},
		{tBridgePt, &halv1.Attribute{Id: "SAI_BRIDGE_PORT_ATTR_ISOLATION_GROUP", Value: &halv1.Attribute_Oid{Oid: 0}}, halv1.Status_STATUS_SUCCESS},
	} {
		if got := StatusOf(ValidateSet(c.t, c.a), 0); got != c.want {
			t.Errorf("set %s: %v, want %v", c.a.GetId(), got, c.want)
		}
	}
}

func TestStatusNames(t *testing.T) {
	if StatusName(halv1.Status_STATUS_TABLE_FULL) != "SAI_STATUS_TABLE_FULL" {
		t.Fatal(StatusName(halv1.Status_STATUS_TABLE_FULL))
	}
	if st, ok := StatusFromName("SAI_STATUS_OBJECT_IN_USE"); !ok || st != halv1.Status_STATUS_OBJECT_IN_USE {
		t.Fatal("StatusFromName")
	}
	if _, ok := StatusFromName("STATUS_SUCCESS"); ok {
		t.Fatal("accepted a name without SAI_ prefix")
	}
}
