package orchagent

import halv1 "github.com/vltgw/vltgw/proto/hal/v1"

// Object types used by the orchs.
const (
	tSwitch     = halv1.ObjectType_OBJECT_TYPE_SWITCH
	tPort       = halv1.ObjectType_OBJECT_TYPE_PORT
	tLag        = halv1.ObjectType_OBJECT_TYPE_LAG
	tLagMember  = halv1.ObjectType_OBJECT_TYPE_LAG_MEMBER
	tVlan       = halv1.ObjectType_OBJECT_TYPE_VLAN
	tVlanMember = halv1.ObjectType_OBJECT_TYPE_VLAN_MEMBER
	tBridgePort = halv1.ObjectType_OBJECT_TYPE_BRIDGE_PORT
	tRIF        = halv1.ObjectType_OBJECT_TYPE_ROUTER_INTERFACE
	tNextHop    = halv1.ObjectType_OBJECT_TYPE_NEXT_HOP
	tHostifTrap = halv1.ObjectType_OBJECT_TYPE_HOSTIF_TRAP
	tRoute      = halv1.ObjectType_OBJECT_TYPE_ROUTE_ENTRY
	tNeighbor   = halv1.ObjectType_OBJECT_TYPE_NEIGHBOR_ENTRY
)

// SAI attribute names (ASIC_DB field names).
const (
	attrSwitchInitSwitch   = "SAI_SWITCH_ATTR_INIT_SWITCH"
	attrSwitchSrcMAC       = "SAI_SWITCH_ATTR_SRC_MAC_ADDRESS"
	attrSwitchPortList     = "SAI_SWITCH_ATTR_PORT_LIST"
	attrSwitchCPUPort      = "SAI_SWITCH_ATTR_CPU_PORT"
	attrSwitchDefaultVR    = "SAI_SWITCH_ATTR_DEFAULT_VIRTUAL_ROUTER_ID"
	attrSwitchDefault1QBr  = "SAI_SWITCH_ATTR_DEFAULT_1Q_BRIDGE_ID"
	attrSwitchDefaultVlan  = "SAI_SWITCH_ATTR_DEFAULT_VLAN_ID"
	attrSwitchDefTrapGroup = "SAI_SWITCH_ATTR_DEFAULT_TRAP_GROUP"

	attrPortAdminState = "SAI_PORT_ATTR_ADMIN_STATE"
	attrPortOperStatus = "SAI_PORT_ATTR_OPER_STATUS"
	attrPortPVID       = "SAI_PORT_ATTR_PORT_VLAN_ID"
	attrPortMTU        = "SAI_PORT_ATTR_MTU"
	attrPortLanes      = "SAI_PORT_ATTR_HW_LANE_LIST"

	attrLagPVID = "SAI_LAG_ATTR_PORT_VLAN_ID"

	attrLagMemberLag        = "SAI_LAG_MEMBER_ATTR_LAG_ID"
	attrLagMemberPort       = "SAI_LAG_MEMBER_ATTR_PORT_ID"
	attrLagMemberEgressDis  = "SAI_LAG_MEMBER_ATTR_EGRESS_DISABLE"
	attrLagMemberIngressDis = "SAI_LAG_MEMBER_ATTR_INGRESS_DISABLE"

	attrVlanID = "SAI_VLAN_ATTR_VLAN_ID"

	attrVlanMemberVlan    = "SAI_VLAN_MEMBER_ATTR_VLAN_ID"
	attrVlanMemberBP      = "SAI_VLAN_MEMBER_ATTR_BRIDGE_PORT_ID"
	attrVlanMemberTagging = "SAI_VLAN_MEMBER_ATTR_VLAN_TAGGING_MODE"

	attrBPType       = "SAI_BRIDGE_PORT_ATTR_TYPE"
	attrBPPort       = "SAI_BRIDGE_PORT_ATTR_PORT_ID"
	attrBPAdminState = "SAI_BRIDGE_PORT_ATTR_ADMIN_STATE"

	attrRIFVR     = "SAI_ROUTER_INTERFACE_ATTR_VIRTUAL_ROUTER_ID"
	attrRIFType   = "SAI_ROUTER_INTERFACE_ATTR_TYPE"
	attrRIFPort   = "SAI_ROUTER_INTERFACE_ATTR_PORT_ID"
	attrRIFVlan   = "SAI_ROUTER_INTERFACE_ATTR_VLAN_ID"
	attrRIFSrcMAC = "SAI_ROUTER_INTERFACE_ATTR_SRC_MAC_ADDRESS"

	attrNeighDstMAC = "SAI_NEIGHBOR_ENTRY_ATTR_DST_MAC_ADDRESS"

	attrNHType = "SAI_NEXT_HOP_ATTR_TYPE"
	attrNHIP   = "SAI_NEXT_HOP_ATTR_IP"
	attrNHRIF  = "SAI_NEXT_HOP_ATTR_ROUTER_INTERFACE_ID"

	attrRouteNextHop = "SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID"
	attrRouteAction  = "SAI_ROUTE_ENTRY_ATTR_PACKET_ACTION"

	attrTrapType   = "SAI_HOSTIF_TRAP_ATTR_TRAP_TYPE"
	attrTrapAction = "SAI_HOSTIF_TRAP_ATTR_PACKET_ACTION"
	attrTrapGroup  = "SAI_HOSTIF_TRAP_ATTR_TRAP_GROUP"
)

// SAI enum values.
const (
	operStatusUp = "SAI_PORT_OPER_STATUS_UP"

	bpTypePort = "SAI_BRIDGE_PORT_TYPE_PORT"

	taggingUntagged      = "SAI_VLAN_TAGGING_MODE_UNTAGGED"
	taggingTagged        = "SAI_VLAN_TAGGING_MODE_TAGGED"
	taggingPriorityTaged = "SAI_VLAN_TAGGING_MODE_PRIORITY_TAGGED"

	rifTypePort = "SAI_ROUTER_INTERFACE_TYPE_PORT"
	rifTypeVlan = "SAI_ROUTER_INTERFACE_TYPE_VLAN"

	nhTypeIP = "SAI_NEXT_HOP_TYPE_IP"

	actionForward = "SAI_PACKET_ACTION_FORWARD"
	actionDrop    = "SAI_PACKET_ACTION_DROP"
	actionTrap    = "SAI_PACKET_ACTION_TRAP"

	trapTypeLLDP = "SAI_HOSTIF_TRAP_TYPE_LLDP"
)
