package orchagent

import (
	"testing"

	"github.com/vltgw/vltgw/orchagent/sairedis"
)

func TestVlanMembersBridgePortsAndPVID(t *testing.T) {
	h := newHarness(t)
	h.ports(4)
	// Member before its VLAN: pending with the reason in STATE_DB.
	h.set(AppVlanMemberTable, "Vlan10:Ethernet0", "tagging_mode", "untagged")
	h.wantError("VLAN_MEMBER_TABLE:Vlan10:Ethernet0", StatusPending, "VLAN Vlan10 does not exist")
	h.wantCount(tVlanMember, 0)
	h.set(AppVlanTable, "Vlan10", "admin_status", "up")
	h.wantNoError("VLAN_MEMBER_TABLE:Vlan10:Ethernet0")
	vlanKey, vlan := h.find(tVlan, attrVlanID, "10")
	_ = vlan
	bpKey, bp := h.find(tBridgePort, attrBPPort, sairedis.FormatOID(h.asic.portID(0)))
	if bp[attrBPType] != bpTypePort || bp[attrBPAdminState] != "true" {
		t.Fatalf("bridge port %v", bp)
	}
	_, m := h.find(tVlanMember, attrVlanMemberBP, bpKey[len("SAI_OBJECT_TYPE_BRIDGE_PORT:"):])
	if m[attrVlanMemberVlan] != vlanKey[len("SAI_OBJECT_TYPE_VLAN:"):] || m[attrVlanMemberTagging] != taggingUntagged {
		t.Fatalf("member %v", m)
	}
	if pv := h.asic.objs[portKey(h, 0)][attrPortPVID]; pv != "10" {
		t.Fatalf("PVID %q", pv)
	}
	// A second VLAN, tagged, on the same port reuses the bridge port.
	h.set(AppVlanTable, "Vlan20")
	h.set(AppVlanMemberTable, "Vlan20:Ethernet0", "tagging_mode", "tagged")
	h.set(AppVlanMemberTable, "Vlan20:Ethernet4", "tagging_mode", "untagged")
	h.wantCount(tBridgePort, 2)
	h.wantCount(tVlanMember, 3)
	// Untagged in two VLANs: refused until the other goes.
	h.set(AppVlanMemberTable, "Vlan20:Ethernet0", "tagging_mode", "untagged")
	if h.asic.objs[portKey(h, 0)][attrPortPVID] != "10" {
		t.Fatal("PVID moved")
	}
	h.wantError("VLAN_MEMBER_TABLE:Vlan20:Ethernet0", StatusConflict, "already untagged in Vlan10")
	h.del(AppVlanMemberTable, "Vlan10:Ethernet0")
	h.wantNoError("VLAN_MEMBER_TABLE:Vlan20:Ethernet0")
	if h.asic.objs[portKey(h, 0)][attrPortPVID] != "20" {
		t.Fatalf("PVID after retag %v", h.asic.objs[portKey(h, 0)])
	}
	h.wantCount(tBridgePort, 2)
	h.wantCount(tVlanMember, 2)
	// Deleting the VLAN waits for its members; the last membership of a
	// port removes its bridge port and resets the PVID.
	h.del(AppVlanTable, "Vlan20")
	h.wantError("VLAN_TABLE:Vlan20", StatusPending, "still has members Ethernet0, Ethernet4")
	h.del(AppVlanMemberTable, "Vlan20:Ethernet0")
	h.del(AppVlanMemberTable, "Vlan20:Ethernet4")
	h.wantNoError("VLAN_TABLE:Vlan20")
	h.wantCount(tBridgePort, 0)
	h.wantCount(tVlanMember, 0)
	h.wantCount(tVlan, 1)
	if h.asic.objs[portKey(h, 0)][attrPortPVID] != "1" {
		t.Fatal("PVID not reset")
	}
}

func TestVlanBadInput(t *testing.T) {
	h := newHarness(t)
	h.ports(2)
	h.set(AppVlanTable, "Vlan5000")
	h.wantError("VLAN_TABLE:Vlan5000", StatusInvalid, "VLAN id must be 1-4094")
	h.set(AppVlanTable, "Vlanx")
	h.wantError("VLAN_TABLE:Vlanx", StatusInvalid, "VLAN id")
	h.set(AppVlanTable, "Vlan10")
	h.set(AppVlanMemberTable, "Vlan10:Ethernet400")
	h.wantError("VLAN_MEMBER_TABLE:Vlan10:Ethernet400", StatusPending, "port Ethernet400 does not exist")
	h.set(AppVlanMemberTable, "Vlan10:eth0")
	h.wantError("VLAN_MEMBER_TABLE:Vlan10:eth0", StatusInvalid, "want EthernetN or PortChannelN")
	h.set(AppVlanMemberTable, "Vlan10:Ethernet0", "tagging_mode", "sometimes")
	h.wantError("VLAN_MEMBER_TABLE:Vlan10:Ethernet0", StatusInvalid, `tagging_mode "sometimes"`)
	h.set(AppVlanMemberTable, "Vlan10:Ethernet4", "tagging_mode", "tagged")
	h.wantNoError("VLAN_MEMBER_TABLE:Vlan10:Ethernet4")
	h.wantCount(tVlanMember, 1)
	// Deleting rows that never applied clears their errors.
	h.del(AppVlanMemberTable, "Vlan10:Ethernet400")
	h.del(AppVlanTable, "Vlan5000")
	h.wantNoError("VLAN_MEMBER_TABLE:Vlan10:Ethernet400")
	h.wantNoError("VLAN_TABLE:Vlan5000")
}

func TestLagInVlanGetsBridgePortAndPVID(t *testing.T) {
	h := newHarness(t)
	h.ports(2)
	h.set(AppLagTable, "PortChannel1")
	h.set(AppLagMemberTable, "PortChannel1:Ethernet0")
	h.set(AppVlanTable, "Vlan10")
	h.set(AppVlanMemberTable, "Vlan10:Ethernet0")
	h.wantError("VLAN_MEMBER_TABLE:Vlan10:Ethernet0", StatusConflict, "member of PortChannel1")
	h.set(AppVlanMemberTable, "Vlan10:PortChannel1", "tagging_mode", "untagged")
	lagKey := ""
	for k := range h.asic.of(tLag) {
		lagKey = k
	}
	h.find(tBridgePort, attrBPPort, lagKey[len("SAI_OBJECT_TYPE_LAG:"):])
	if h.asic.objs[lagKey][attrLagPVID] != "" {
		// hal/sai does not know SAI_LAG_ATTR_PORT_VLAN_ID: the set is
		// refused and logged, the membership stands.
		t.Logf("LAG PVID set: %v", h.asic.objs[lagKey])
	}
	h.wantNoError("VLAN_MEMBER_TABLE:Vlan10:PortChannel1")
	// The LAG cannot go while it is bridged.
	h.del(AppLagMemberTable, "PortChannel1:Ethernet0")
	h.del(AppLagTable, "PortChannel1")
	h.wantError("LAG_TABLE:PortChannel1", StatusPending, "still used by bridge port")
}
