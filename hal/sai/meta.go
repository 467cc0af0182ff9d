package sai

import (
	"strings"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// ValueKind is the value type of an attribute; each maps to one
// halv1.Attribute oneof.
type ValueKind int

// Value kinds. VLAN ids and other SAI uint16 values travel as KindU32 with a
// range.
const (
	KindBool ValueKind = iota
	KindU32
	KindU64
	KindS32
	KindMAC
	KindIP
	KindPrefix
	KindOID
	KindOIDList
	KindU32List
	KindString
	KindEnum
)

var kindNames = [...]string{"bool", "u32", "u64", "s32", "mac", "ip", "prefix", "oid", "oid list", "u32 list", "string", "enum"}

func (k ValueKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// AttrFlags are SAI's attribute flags; zero means CREATE_AND_SET.
type AttrFlags uint8

// Attribute flags.
const (
	FlagMandatoryOnCreate AttrFlags = 1 << iota
	FlagCreateOnly
	FlagReadOnly
)

// Condition makes an attribute mandatory (and meaningful) only when another
// attribute holds an enum value, e.g. ROUTER_INTERFACE PORT_ID when TYPE is
// SAI_ROUTER_INTERFACE_TYPE_PORT.
type Condition struct {
	Attr string
	Enum string
}

// AttrMeta describes one attribute.
type AttrMeta struct {
	Name          string
	Object        halv1.ObjectType
	Kind          ValueKind
	Flags         AttrFlags
	MandatoryWhen []Condition
	RefTypes      []halv1.ObjectType // OID kinds: types the value may reference
	AllowNull     bool               // OID kinds: oid:0x0 accepted
	EnumValues    []string
	Default       *halv1.Attribute
	Min, Max      uint64 // numeric range when Max > 0
}

// ObjectMeta describes one object type.
type ObjectMeta struct {
	Type    halv1.ObjectType
	Name    string // SAI_OBJECT_TYPE_MY_MAC
	IsEntry bool   // keyed by an entry (FDB, route, neighbour), not an oid
	Attrs   []*AttrMeta
	byName  map[string]*AttrMeta
}

// Attr looks an attribute of this object up by its full name.
func (o *ObjectMeta) Attr(name string) (*AttrMeta, bool) {
	a, ok := o.byName[name]
	return a, ok
}

var (
	objects   = map[halv1.ObjectType]*ObjectMeta{}
	byName    = map[string]*ObjectMeta{}
	depOrder  []*ObjectMeta
	typeRanks = map[halv1.ObjectType]int{}
)

// Object returns the metadata of an object type vltgw uses.
func Object(t halv1.ObjectType) (*ObjectMeta, bool) {
	o, ok := objects[t]
	return o, ok
}

// ObjectByName looks a type up by its SAI name (SAI_OBJECT_TYPE_VLAN).
func ObjectByName(name string) (*ObjectMeta, bool) {
	o, ok := byName[name]
	return o, ok
}

// Attr returns the metadata of attribute name of type t.
func Attr(t halv1.ObjectType, name string) (*AttrMeta, bool) {
	o, ok := objects[t]
	if !ok {
		return nil, false
	}
	return o.Attr(name)
}

// Objects lists every object type in dependency order: a type appears after
// every type its attributes or key can reference (restart replay order).
func Objects() []*ObjectMeta { return depOrder }

// DependencyRank is the position of t in Objects (-1 when unknown).
func DependencyRank(t halv1.ObjectType) int {
	if r, ok := typeRanks[t]; ok {
		return r
	}
	return -1
}

// TypeName is the SAI name of an object type.
func TypeName(t halv1.ObjectType) string { return "SAI_" + t.String() }

// IsEntry reports whether t is keyed by an entry rather than an oid.
func IsEntry(t halv1.ObjectType) bool {
	o, ok := objects[t]
	return ok && o.IsEntry
}

// attrPrefix: SAI_<TYPE>_ATTR_, e.g. SAI_MY_MAC_ATTR_.
func attrPrefix(t halv1.ObjectType) string {
	return "SAI_" + strings.TrimPrefix(t.String(), "OBJECT_TYPE_") + "_ATTR_"
}

// --- the table --------------------------------------------------------------

type attrOpt func(*AttrMeta)

func refs(ts ...halv1.ObjectType) attrOpt { return func(a *AttrMeta) { a.RefTypes = ts } }
func nullable() attrOpt                   { return func(a *AttrMeta) { a.AllowNull = true } }
func enum(vals ...string) attrOpt         { return func(a *AttrMeta) { a.EnumValues = vals } }
func rng(lo, hi uint64) attrOpt           { return func(a *AttrMeta) { a.Min, a.Max = lo, hi } }
func when(attr, val string) attrOpt {
	return func(a *AttrMeta) { a.MandatoryWhen = append(a.MandatoryWhen, Condition{Attr: attr, Enum: val}) }
}
func def(v *halv1.Attribute) attrOpt { return func(a *AttrMeta) { a.Default = v } }

type attrSpec struct {
	short string
	kind  ValueKind
	flags AttrFlags
	opts  []attrOpt
}

func at(short string, kind ValueKind, flags AttrFlags, opts ...attrOpt) attrSpec {
	return attrSpec{short, kind, flags, opts}
}

const (
	mandatory = FlagMandatoryOnCreate
	createOnl = FlagCreateOnly
	readOnly  = FlagReadOnly
	mc        = FlagMandatoryOnCreate | FlagCreateOnly
)

// Object types, shortened for the table.
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

// NextHopGroupTypeECMP is the next hop group type vltgw creates and the
// virtual switch implements (a hash of the flow picks one member).
const NextHopGroupTypeECMP = "SAI_NEXT_HOP_GROUP_TYPE_DYNAMIC_UNORDERED_ECMP"

var packetActions = []string{"SAI_PACKET_ACTION_DROP", "SAI_PACKET_ACTION_FORWARD", "SAI_PACKET_ACTION_COPY",
	"SAI_PACKET_ACTION_COPY_CANCEL", "SAI_PACKET_ACTION_TRAP", "SAI_PACKET_ACTION_LOG", "SAI_PACKET_ACTION_DENY", "SAI_PACKET_ACTION_TRANSIT"}

func enumDefault(id, v string) *halv1.Attribute {
	return &halv1.Attribute{Id: id, Value: &halv1.Attribute_EnumName{EnumName: v}}
}

// table lists the objects in dependency order with their attributes (from
// SAI's headers: saiswitch.h, saiport.h, sailag.h, saivlan.h, saibridge.h,
// saifdb.h, sairouterinterface.h, saineighbor.h, sainexthop.h, sairoute.h,
// sainexthopgroup.h, saihostif.h, saiisolationgroup.h, saimymac.h). Only what vltgw uses.
var table = []struct {
	t     halv1.ObjectType
	entry bool
	attrs []attrSpec
}{
	{tSwitch, false, []attrSpec{
		at("INIT_SWITCH", KindBool, mc), at("SRC_MAC_ADDRESS", KindMAC, 0), at("FDB_AGING_TIME", KindU32, 0),
		at("PORT_NUMBER", KindU32, readOnly), at("PORT_LIST", KindOIDList, readOnly, refs(tPort)),
		at("CPU_PORT", KindOID, readOnly, refs(tPort)), at("DEFAULT_VIRTUAL_ROUTER_ID", KindOID, readOnly, refs(tVR)),
		at("DEFAULT_1Q_BRIDGE_ID", KindOID, readOnly, refs(tBridge)), at("DEFAULT_VLAN_ID", KindOID, readOnly, refs(tVLAN)),
		at("DEFAULT_TRAP_GROUP", KindOID, readOnly, refs(tTrapGroup)),
	}},
	{tPort, false, []attrSpec{
		at("HW_LANE_LIST", KindU32List, mc), at("SPEED", KindU32, mandatory), at("ADMIN_STATE", KindBool, 0),
		at("OPER_STATUS", KindEnum, readOnly, enum("SAI_PORT_OPER_STATUS_UNKNOWN", "SAI_PORT_OPER_STATUS_UP",
			"SAI_PORT_OPER_STATUS_DOWN", "SAI_PORT_OPER_STATUS_TESTING", "SAI_PORT_OPER_STATUS_NOT_PRESENT")),
		at("PORT_VLAN_ID", KindU32, 0, rng(1, 4094)), at("MTU", KindU32, 0, rng(68, 9216)),
	}},
	{tVR, false, []attrSpec{
		at("ADMIN_V4_STATE", KindBool, 0), at("ADMIN_V6_STATE", KindBool, 0), at("SRC_MAC_ADDRESS", KindMAC, 0),
	}},
	{tTrapGroup, false, []attrSpec{at("ADMIN_STATE", KindBool, 0), at("QUEUE", KindU32, 0)}},
	{tBridge, false, []attrSpec{at("TYPE", KindEnum, mc, enum("SAI_BRIDGE_TYPE_1Q", "SAI_BRIDGE_TYPE_1D"))}},
	{tVLAN, false, []attrSpec{
		at("VLAN_ID", KindU32, mc, rng(1, 4094)), at("MEMBER_LIST", KindOIDList, readOnly, refs(tVLANMem)),
	}},
	{tLAG, false, []attrSpec{at("PORT_LIST", KindOIDList, readOnly, refs(tLAGMember))}},
	{tLAGMember, false, []attrSpec{
		at("LAG_ID", KindOID, mc, refs(tLAG)), at("PORT_ID", KindOID, mc, refs(tPort)),
		at("EGRESS_DISABLE", KindBool, 0), at("INGRESS_DISABLE", KindBool, 0),
	}},
	{tIsoGroup, false, []attrSpec{
		at("TYPE", KindEnum, mc, enum("SAI_ISOLATION_GROUP_TYPE_PORT", "SAI_ISOLATION_GROUP_TYPE_BRIDGE_PORT")),
	}},
	{tBridgePt, false, []attrSpec{
		at("TYPE", KindEnum, mc, enum("SAI_BRIDGE_PORT_TYPE_PORT", "SAI_BRIDGE_PORT_TYPE_SUB_PORT",
			"SAI_BRIDGE_PORT_TYPE_1Q_ROUTER", "SAI_BRIDGE_PORT_TYPE_1D_ROUTER", "SAI_BRIDGE_PORT_TYPE_TUNNEL")),
		at("PORT_ID", KindOID, createOnl, refs(tPort, tLAG), when("SAI_BRIDGE_PORT_ATTR_TYPE", "SAI_BRIDGE_PORT_TYPE_PORT")),
		at("BRIDGE_ID", KindOID, 0, refs(tBridge)), at("ADMIN_STATE", KindBool, 0),
		at("ISOLATION_GROUP", KindOID, 0, refs(tIsoGroup), nullable()),
		at("FDB_LEARNING_MODE", KindEnum, 0, enum("SAI_BRIDGE_PORT_FDB_LEARNING_MODE_DROP", "SAI_BRIDGE_PORT_FDB_LEARNING_MODE_DISABLE",
			"SAI_BRIDGE_PORT_FDB_LEARNING_MODE_HW", "SAI_BRIDGE_PORT_FDB_LEARNING_MODE_CPU_TRAP", "SAI_BRIDGE_PORT_FDB_LEARNING_MODE_CPU_LOG")),
	}},
	{tIsoMember, false, []attrSpec{
		at("ISOLATION_GROUP_ID", KindOID, mc, refs(tIsoGroup)), at("ISOLATION_OBJECT", KindOID, mc, refs(tPort, tBridgePt)),
	}},
	{tVLANMem, false, []attrSpec{
		at("VLAN_ID", KindOID, mc, refs(tVLAN)), at("BRIDGE_PORT_ID", KindOID, mc, refs(tBridgePt)),
		at("VLAN_TAGGING_MODE", KindEnum, 0, enum("SAI_VLAN_TAGGING_MODE_UNTAGGED", "SAI_VLAN_TAGGING_MODE_TAGGED",
			"SAI_VLAN_TAGGING_MODE_PRIORITY_TAGGED"), def(enumDefault("SAI_VLAN_MEMBER_ATTR_VLAN_TAGGING_MODE", "SAI_VLAN_TAGGING_MODE_UNTAGGED"))),
	}},
	{tFDB, true, []attrSpec{
		at("TYPE", KindEnum, mandatory, enum("SAI_FDB_ENTRY_TYPE_DYNAMIC", "SAI_FDB_ENTRY_TYPE_STATIC")),
		at("BRIDGE_PORT_ID", KindOID, 0, refs(tBridgePt), nullable()),
		at("PACKET_ACTION", KindEnum, 0, enum(packetActions...)),
	}},
	{tRIF, false, []attrSpec{
		at("VIRTUAL_ROUTER_ID", KindOID, mc, refs(tVR)),
		at("TYPE", KindEnum, mc, enum("SAI_ROUTER_INTERFACE_TYPE_PORT", "SAI_ROUTER_INTERFACE_TYPE_VLAN",
			"SAI_ROUTER_INTERFACE_TYPE_LOOPBACK", "SAI_ROUTER_INTERFACE_TYPE_SUB_PORT")),
		at("PORT_ID", KindOID, createOnl, refs(tPort, tLAG), when("SAI_ROUTER_INTERFACE_ATTR_TYPE", "SAI_ROUTER_INTERFACE_TYPE_PORT")),
		at("VLAN_ID", KindOID, createOnl, refs(tVLAN), when("SAI_ROUTER_INTERFACE_ATTR_TYPE", "SAI_ROUTER_INTERFACE_TYPE_VLAN")),
		at("SRC_MAC_ADDRESS", KindMAC, 0), at("MTU", KindU32, 0, rng(68, 9216)),
		at("ADMIN_V4_STATE", KindBool, 0), at("ADMIN_V6_STATE", KindBool, 0),
	}},
	{tNeighbor, true, []attrSpec{
		at("DST_MAC_ADDRESS", KindMAC, mandatory), at("PACKET_ACTION", KindEnum, 0, enum(packetActions...)),
	}},
	{tNextHop, false, []attrSpec{
		at("TYPE", KindEnum, mc, enum("SAI_NEXT_HOP_TYPE_IP")),
		at("IP", KindIP, createOnl, when("SAI_NEXT_HOP_ATTR_TYPE", "SAI_NEXT_HOP_TYPE_IP")),
		at("ROUTER_INTERFACE_ID", KindOID, createOnl, refs(tRIF), when("SAI_NEXT_HOP_ATTR_TYPE", "SAI_NEXT_HOP_TYPE_IP")),
	}},
	{tNHGroup, false, []attrSpec{
		// sainexthopgroup.h: NEXT_HOP_COUNT and NEXT_HOP_MEMBER_LIST are
		// read-only (the platform derives them from the members); TYPE is
		// create-only and vltgw requires it. SAI_NEXT_HOP_GROUP_TYPE_ECMP
		// is SAI's older name of DYNAMIC_UNORDERED_ECMP (the same value).
		at("NEXT_HOP_COUNT", KindU32, readOnly),
		at("NEXT_HOP_MEMBER_LIST", KindOIDList, readOnly, refs(tNHGMember)),
		at("TYPE", KindEnum, mc, enum(NextHopGroupTypeECMP, "SAI_NEXT_HOP_GROUP_TYPE_ECMP")),
	}},
	{tNHGMember, false, []attrSpec{
		at("NEXT_HOP_GROUP_ID", KindOID, mc, refs(tNHGroup)),
		at("NEXT_HOP_ID", KindOID, mc, refs(tNextHop)),
		at("WEIGHT", KindU32, 0, rng(1, 1<<32-1), def(&halv1.Attribute{Id: "SAI_NEXT_HOP_GROUP_MEMBER_ATTR_WEIGHT", Value: &halv1.Attribute_U32{U32: 1}})),
	}},
	{tRoute, true, []attrSpec{
		at("PACKET_ACTION", KindEnum, 0, enum(packetActions...)),
		at("NEXT_HOP_ID", KindOID, 0, refs(tNextHop, tNHGroup, tRIF, tPort), nullable()),
	}},
	{tHostif, false, []attrSpec{
		at("TYPE", KindEnum, mc, enum("SAI_HOSTIF_TYPE_NETDEV", "SAI_HOSTIF_TYPE_FD", "SAI_HOSTIF_TYPE_GENETLINK")),
		at("OBJ_ID", KindOID, createOnl, refs(tPort, tLAG, tRIF), when("SAI_HOSTIF_ATTR_TYPE", "SAI_HOSTIF_TYPE_NETDEV")),
		at("NAME", KindString, createOnl, when("SAI_HOSTIF_ATTR_TYPE", "SAI_HOSTIF_TYPE_NETDEV")),
		at("OPER_STATUS", KindBool, 0),
	}},
	{tTrap, false, []attrSpec{
		at("TRAP_TYPE", KindEnum, mc, enum("SAI_HOSTIF_TRAP_TYPE_LLDP", "SAI_HOSTIF_TRAP_TYPE_LACP", "SAI_HOSTIF_TRAP_TYPE_ARP_REQUEST",
			"SAI_HOSTIF_TRAP_TYPE_ARP_RESPONSE", "SAI_HOSTIF_TRAP_TYPE_IP2ME", "SAI_HOSTIF_TRAP_TYPE_TTL_ERROR",
			"SAI_HOSTIF_TRAP_TYPE_IPV6_NEIGHBOR_DISCOVERY", "SAI_HOSTIF_TRAP_TYPE_BGP", "SAI_HOSTIF_TRAP_TYPE_BGPV6")),
		at("PACKET_ACTION", KindEnum, mandatory, enum(packetActions...)),
		at("TRAP_PRIORITY", KindU32, 0), at("TRAP_GROUP", KindOID, 0, refs(tTrapGroup), nullable()),
	}},
	{tMyMAC, false, []attrSpec{
		// vltgw requires MAC_ADDRESS (SAI gives it a vendor default); the
		// rest default as in saimymac.h: mask all-ones, VLAN 0 = any,
		// no port, priority 0.
		at("MAC_ADDRESS", KindMAC, mc), at("MAC_ADDRESS_MASK", KindMAC, createOnl),
		at("VLAN_ID", KindU32, createOnl, rng(0, 4094)), at("PORT_ID", KindOID, createOnl, refs(tPort, tLAG), nullable()),
		at("PRIORITY", KindU32, createOnl),
	}},
}

func init() {
	for i, e := range table {
		o := &ObjectMeta{Type: e.t, Name: TypeName(e.t), IsEntry: e.entry, byName: map[string]*AttrMeta{}}
		for _, s := range e.attrs {
			a := &AttrMeta{Name: attrPrefix(e.t) + s.short, Object: e.t, Kind: s.kind, Flags: s.flags}
			for _, opt := range s.opts {
				opt(a)
			}
			o.Attrs = append(o.Attrs, a)
			o.byName[a.Name] = a
		}
		objects[e.t] = o
		byName[o.Name] = o
		depOrder = append(depOrder, o)
		typeRanks[e.t] = i
	}
}
