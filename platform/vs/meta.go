package vs

import (
	"fmt"

	"github.com/vltgw/vltgw/hal/sai"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// typeInfo is hal/sai's metadata of one object type plus the position of
// each attribute in an object's attrs slice.
type typeInfo struct {
	t     halv1.ObjectType
	meta  *sai.ObjectMeta
	index map[string]int
}

// maxType bounds the object type values (SAI's are < 128 for what vltgw uses).
const maxType = 128

// types is built from hal/sai before the attribute positions below
// (package variables initialise in dependency order).
var types = buildTypes()

func buildTypes() (out [maxType]*typeInfo) {
	for _, m := range sai.Objects() {
		if int(m.Type) <= 0 || int(m.Type) >= maxType {
			continue
		}
		ti := &typeInfo{t: m.Type, meta: m, index: make(map[string]int, len(m.Attrs))}
		for i, a := range m.Attrs {
			ti.index[a.Name] = i
		}
		out[m.Type] = ti
	}
	return out
}

// typeOf returns the info of t, nil when the platform does not know t.
func typeOf(t halv1.ObjectType) *typeInfo {
	if t <= 0 || int(t) >= maxType {
		return nil
	}
	return types[t]
}

// attrIndex is the position of a SAI attribute in objects of type t; the
// names used by the pipeline are fixed, so a missing one is a build error
// of hal/sai and reported at init.
func attrIndex(t halv1.ObjectType, name string) int {
	ti := typeOf(t)
	if ti == nil {
		panic(fmt.Sprintf("platform/vs: hal/sai has no object type %v", t))
	}
	i, ok := ti.index[name]
	if !ok {
		panic(fmt.Sprintf("platform/vs: hal/sai has no attribute %s", name))
	}
	return i
}

// Object types, shortened.
const (
	tSwitch    = halv1.ObjectType_OBJECT_TYPE_SWITCH
	tPort      = halv1.ObjectType_OBJECT_TYPE_PORT
	tLAG       = halv1.ObjectType_OBJECT_TYPE_LAG
	tLAGMember = halv1.ObjectType_OBJECT_TYPE_LAG_MEMBER
	tVR        = halv1.ObjectType_OBJECT_TYPE_VIRTUAL_ROUTER
	tNextHop   = halv1.ObjectType_OBJECT_TYPE_NEXT_HOP
	tNHGroup   = halv1.ObjectType_OBJECT_TYPE_NEXT_HOP_GROUP
	tNHGMember = halv1.ObjectType_OBJECT_TYPE_NEXT_HOP_GROUP_MEMBER
	tRIF       = halv1.ObjectType_OBJECT_TYPE_ROUTER_INTERFACE
	tHostif    = halv1.ObjectType_OBJECT_TYPE_HOSTIF
	tTrapGroup = halv1.ObjectType_OBJECT_TYPE_HOSTIF_TRAP_GROUP
	tTrap      = halv1.ObjectType_OBJECT_TYPE_HOSTIF_TRAP
	tFDB       = halv1.ObjectType_OBJECT_TYPE_FDB_ENTRY
	tNeighbor  = halv1.ObjectType_OBJECT_TYPE_NEIGHBOR_ENTRY
	tRoute     = halv1.ObjectType_OBJECT_TYPE_ROUTE_ENTRY
	tVLAN      = halv1.ObjectType_OBJECT_TYPE_VLAN
	tVLANMem   = halv1.ObjectType_OBJECT_TYPE_VLAN_MEMBER
	tBridge    = halv1.ObjectType_OBJECT_TYPE_BRIDGE
	tBridgePt  = halv1.ObjectType_OBJECT_TYPE_BRIDGE_PORT
	tIsoGroup  = halv1.ObjectType_OBJECT_TYPE_ISOLATION_GROUP
	tIsoMember = halv1.ObjectType_OBJECT_TYPE_ISOLATION_GROUP_MEMBER
	tMyMAC     = halv1.ObjectType_OBJECT_TYPE_MY_MAC
)

// Positions of the attributes the platform reads.
var (
	aSwitchInit       = attrIndex(tSwitch, "SAI_SWITCH_ATTR_INIT_SWITCH")
	aSwitchSrcMAC     = attrIndex(tSwitch, "SAI_SWITCH_ATTR_SRC_MAC_ADDRESS")
	aSwitchAging      = attrIndex(tSwitch, "SAI_SWITCH_ATTR_FDB_AGING_TIME")
	aSwitchPortNumber = attrIndex(tSwitch, "SAI_SWITCH_ATTR_PORT_NUMBER")
	aSwitchPortList   = attrIndex(tSwitch, "SAI_SWITCH_ATTR_PORT_LIST")
	aSwitchCPUPort    = attrIndex(tSwitch, "SAI_SWITCH_ATTR_CPU_PORT")
	aSwitchDefVR      = attrIndex(tSwitch, "SAI_SWITCH_ATTR_DEFAULT_VIRTUAL_ROUTER_ID")
	aSwitchDefBridge  = attrIndex(tSwitch, "SAI_SWITCH_ATTR_DEFAULT_1Q_BRIDGE_ID")
	aSwitchDefVLAN    = attrIndex(tSwitch, "SAI_SWITCH_ATTR_DEFAULT_VLAN_ID")
	aSwitchDefTrapGrp = attrIndex(tSwitch, "SAI_SWITCH_ATTR_DEFAULT_TRAP_GROUP")

	aPortLanes  = attrIndex(tPort, "SAI_PORT_ATTR_HW_LANE_LIST")
	aPortSpeed  = attrIndex(tPort, "SAI_PORT_ATTR_SPEED")
	aPortAdmin  = attrIndex(tPort, "SAI_PORT_ATTR_ADMIN_STATE")
	aPortOper   = attrIndex(tPort, "SAI_PORT_ATTR_OPER_STATUS")
	aPortPVID   = attrIndex(tPort, "SAI_PORT_ATTR_PORT_VLAN_ID")
	aLAGPorts   = attrIndex(tLAG, "SAI_LAG_ATTR_PORT_LIST")
	aLAGMLag    = attrIndex(tLAGMember, "SAI_LAG_MEMBER_ATTR_LAG_ID")
	aLAGMPort   = attrIndex(tLAGMember, "SAI_LAG_MEMBER_ATTR_PORT_ID")
	aLAGMEgrDis = attrIndex(tLAGMember, "SAI_LAG_MEMBER_ATTR_EGRESS_DISABLE")
	aLAGMIngDis = attrIndex(tLAGMember, "SAI_LAG_MEMBER_ATTR_INGRESS_DISABLE")

	aBridgeType  = attrIndex(tBridge, "SAI_BRIDGE_ATTR_TYPE")
	aVLANID      = attrIndex(tVLAN, "SAI_VLAN_ATTR_VLAN_ID")
	aVLANMembers = attrIndex(tVLAN, "SAI_VLAN_ATTR_MEMBER_LIST")
	aVMVLAN      = attrIndex(tVLANMem, "SAI_VLAN_MEMBER_ATTR_VLAN_ID")
	aVMBridgePt  = attrIndex(tVLANMem, "SAI_VLAN_MEMBER_ATTR_BRIDGE_PORT_ID")
	aVMTagging   = attrIndex(tVLANMem, "SAI_VLAN_MEMBER_ATTR_VLAN_TAGGING_MODE")

	aBPType     = attrIndex(tBridgePt, "SAI_BRIDGE_PORT_ATTR_TYPE")
	aBPPort     = attrIndex(tBridgePt, "SAI_BRIDGE_PORT_ATTR_PORT_ID")
	aBPAdmin    = attrIndex(tBridgePt, "SAI_BRIDGE_PORT_ATTR_ADMIN_STATE")
	aBPIsoGroup = attrIndex(tBridgePt, "SAI_BRIDGE_PORT_ATTR_ISOLATION_GROUP")
	aBPLearn    = attrIndex(tBridgePt, "SAI_BRIDGE_PORT_ATTR_FDB_LEARNING_MODE")

	aIsoType       = attrIndex(tIsoGroup, "SAI_ISOLATION_GROUP_ATTR_TYPE")
	aIsoMGroup     = attrIndex(tIsoMember, "SAI_ISOLATION_GROUP_MEMBER_ATTR_ISOLATION_GROUP_ID")
	aIsoMObject    = attrIndex(tIsoMember, "SAI_ISOLATION_GROUP_MEMBER_ATTR_ISOLATION_OBJECT")
	aFDBType       = attrIndex(tFDB, "SAI_FDB_ENTRY_ATTR_TYPE")
	aFDBBridgePt   = attrIndex(tFDB, "SAI_FDB_ENTRY_ATTR_BRIDGE_PORT_ID")
	aFDBAction     = attrIndex(tFDB, "SAI_FDB_ENTRY_ATTR_PACKET_ACTION")
	aRIFVR         = attrIndex(tRIF, "SAI_ROUTER_INTERFACE_ATTR_VIRTUAL_ROUTER_ID")
	aRIFType       = attrIndex(tRIF, "SAI_ROUTER_INTERFACE_ATTR_TYPE")
	aRIFPort       = attrIndex(tRIF, "SAI_ROUTER_INTERFACE_ATTR_PORT_ID")
	aRIFVLAN       = attrIndex(tRIF, "SAI_ROUTER_INTERFACE_ATTR_VLAN_ID")
	aRIFSrcMAC     = attrIndex(tRIF, "SAI_ROUTER_INTERFACE_ATTR_SRC_MAC_ADDRESS")
	aRIFV4         = attrIndex(tRIF, "SAI_ROUTER_INTERFACE_ATTR_ADMIN_V4_STATE")
	aRIFV6         = attrIndex(tRIF, "SAI_ROUTER_INTERFACE_ATTR_ADMIN_V6_STATE")
	aNeighMAC      = attrIndex(tNeighbor, "SAI_NEIGHBOR_ENTRY_ATTR_DST_MAC_ADDRESS")
	aNeighAction   = attrIndex(tNeighbor, "SAI_NEIGHBOR_ENTRY_ATTR_PACKET_ACTION")
	aNHIP          = attrIndex(tNextHop, "SAI_NEXT_HOP_ATTR_IP")
	aNHRIF         = attrIndex(tNextHop, "SAI_NEXT_HOP_ATTR_ROUTER_INTERFACE_ID")
	aNHGCount      = attrIndex(tNHGroup, "SAI_NEXT_HOP_GROUP_ATTR_NEXT_HOP_COUNT")
	aNHGMemberList = attrIndex(tNHGroup, "SAI_NEXT_HOP_GROUP_ATTR_NEXT_HOP_MEMBER_LIST")
	aNHGMGroup     = attrIndex(tNHGMember, "SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_GROUP_ID")
	aNHGMNextHop   = attrIndex(tNHGMember, "SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_ID")
	aNHGMWeight    = attrIndex(tNHGMember, "SAI_NEXT_HOP_GROUP_MEMBER_ATTR_WEIGHT")
	aRouteAction   = attrIndex(tRoute, "SAI_ROUTE_ENTRY_ATTR_PACKET_ACTION")
	aRouteNextHop  = attrIndex(tRoute, "SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID")
	aHostifName    = attrIndex(tHostif, "SAI_HOSTIF_ATTR_NAME")
	aTrapType      = attrIndex(tTrap, "SAI_HOSTIF_TRAP_ATTR_TRAP_TYPE")
	aTrapAction    = attrIndex(tTrap, "SAI_HOSTIF_TRAP_ATTR_PACKET_ACTION")
	aMyMACAddr     = attrIndex(tMyMAC, "SAI_MY_MAC_ATTR_MAC_ADDRESS")
	aMyMACMask     = attrIndex(tMyMAC, "SAI_MY_MAC_ATTR_MAC_ADDRESS_MASK")
	aMyMACVLAN     = attrIndex(tMyMAC, "SAI_MY_MAC_ATTR_VLAN_ID")
	aMyMACPort     = attrIndex(tMyMAC, "SAI_MY_MAC_ATTR_PORT_ID")
)

// SAI enum values the platform interprets.
const (
	operUp   = "SAI_PORT_OPER_STATUS_UP"
	operDown = "SAI_PORT_OPER_STATUS_DOWN"

	bpTypePort = "SAI_BRIDGE_PORT_TYPE_PORT"

	learnDrop    = "SAI_BRIDGE_PORT_FDB_LEARNING_MODE_DROP"
	learnDisable = "SAI_BRIDGE_PORT_FDB_LEARNING_MODE_DISABLE"

	tagUntagged = "SAI_VLAN_TAGGING_MODE_UNTAGGED"
	tagTagged   = "SAI_VLAN_TAGGING_MODE_TAGGED"
	tagPriority = "SAI_VLAN_TAGGING_MODE_PRIORITY_TAGGED"

	fdbDynamic = "SAI_FDB_ENTRY_TYPE_DYNAMIC"
	fdbStatic  = "SAI_FDB_ENTRY_TYPE_STATIC"

	rifTypePort = "SAI_ROUTER_INTERFACE_TYPE_PORT"
	rifTypeVLAN = "SAI_ROUTER_INTERFACE_TYPE_VLAN"

	isoTypeBridgePort = "SAI_ISOLATION_GROUP_TYPE_BRIDGE_PORT"
	isoTypePort       = "SAI_ISOLATION_GROUP_TYPE_PORT"

	actDrop    = "SAI_PACKET_ACTION_DROP"
	actForward = "SAI_PACKET_ACTION_FORWARD"
	actCopy    = "SAI_PACKET_ACTION_COPY"
	actTrap    = "SAI_PACKET_ACTION_TRAP"
	actLog     = "SAI_PACKET_ACTION_LOG"
	actDeny    = "SAI_PACKET_ACTION_DENY"

	trapLLDP      = "SAI_HOSTIF_TRAP_TYPE_LLDP"
	trapLACP      = "SAI_HOSTIF_TRAP_TYPE_LACP"
	trapARPReq    = "SAI_HOSTIF_TRAP_TYPE_ARP_REQUEST"
	trapARPResp   = "SAI_HOSTIF_TRAP_TYPE_ARP_RESPONSE"
	trapIP2ME     = "SAI_HOSTIF_TRAP_TYPE_IP2ME"
	trapTTLError  = "SAI_HOSTIF_TRAP_TYPE_TTL_ERROR"
	trapND        = "SAI_HOSTIF_TRAP_TYPE_IPV6_NEIGHBOR_DISCOVERY"
	trapRouteTrap = "SAI_HOSTIF_USER_DEFINED_TRAP_TYPE_ROUTER"
)
