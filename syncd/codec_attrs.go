package syncd

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

type valueKind int

const (
	kBool valueKind = iota
	kU32
	kU64
	kS32
	kMAC
	kIP
	kPrefix
	kOID
	kOIDList
	kU32List
	kEnum
	kString
)

type attrFlags int

const (
	fMandatory attrFlags = 1 << iota // mandatory on create
	fCreateOnly
	fReadOnly
)

type attrMeta struct {
	kind  valueKind
	flags attrFlags
}

const mc = fMandatory | fCreateOnly

// attrTable: the attributes of the objects vltgw uses (sonic-wire.md).
var attrTable = map[halv1.ObjectType]map[string]attrMeta{
	halv1.ObjectType_OBJECT_TYPE_SWITCH: {
		"INIT_SWITCH": {kBool, fCreateOnly}, "SRC_MAC_ADDRESS": {kMAC, 0}, "FDB_AGING_TIME": {kU32, 0},
		"PORT_NUMBER": {kU32, fReadOnly}, "PORT_LIST": {kOIDList, fReadOnly}, "CPU_PORT": {kOID, fReadOnly},
		"DEFAULT_VIRTUAL_ROUTER_ID": {kOID, fReadOnly}, "DEFAULT_1Q_BRIDGE_ID": {kOID, fReadOnly},
		"DEFAULT_VLAN_ID": {kOID, fReadOnly}, "DEFAULT_TRAP_GROUP": {kOID, fReadOnly},
	},
	halv1.ObjectType_OBJECT_TYPE_PORT: {
		"ADMIN_STATE": {kBool, 0}, "OPER_STATUS": {kEnum, fReadOnly}, "PORT_VLAN_ID": {kU32, 0}, "MTU": {kU32, 0},
		"HW_LANE_LIST": {kU32List, fCreateOnly}, "SPEED": {kU32, 0},
	},
	halv1.ObjectType_OBJECT_TYPE_LAG: {"PORT_LIST": {kOIDList, fReadOnly}},
	halv1.ObjectType_OBJECT_TYPE_LAG_MEMBER: {
		"LAG_ID": {kOID, mc}, "PORT_ID": {kOID, mc}, "EGRESS_DISABLE": {kBool, 0}, "INGRESS_DISABLE": {kBool, 0},
	},
	halv1.ObjectType_OBJECT_TYPE_VLAN: {"VLAN_ID": {kU32, mc}, "MEMBER_LIST": {kOIDList, fReadOnly}},
	halv1.ObjectType_OBJECT_TYPE_VLAN_MEMBER: {
		"VLAN_ID": {kOID, mc}, "BRIDGE_PORT_ID": {kOID, mc}, "VLAN_TAGGING_MODE": {kEnum, 0},
	},
	halv1.ObjectType_OBJECT_TYPE_BRIDGE: {"TYPE": {kEnum, mc}},
	halv1.ObjectType_OBJECT_TYPE_BRIDGE_PORT: {
		"TYPE": {kEnum, mc}, "PORT_ID": {kOID, fCreateOnly}, "BRIDGE_ID": {kOID, 0}, "ADMIN_STATE": {kBool, 0},
		"ISOLATION_GROUP": {kOID, 0}, "FDB_LEARNING_MODE": {kEnum, 0},
	},
	halv1.ObjectType_OBJECT_TYPE_FDB_ENTRY: {
		"TYPE": {kEnum, fMandatory}, "BRIDGE_PORT_ID": {kOID, 0}, "PACKET_ACTION": {kEnum, 0},
	},
	halv1.ObjectType_OBJECT_TYPE_VIRTUAL_ROUTER: {
		"ADMIN_V4_STATE": {kBool, 0}, "ADMIN_V6_STATE": {kBool, 0}, "SRC_MAC_ADDRESS": {kMAC, 0},
	},
	halv1.ObjectType_OBJECT_TYPE_ROUTER_INTERFACE: {
		"VIRTUAL_ROUTER_ID": {kOID, mc}, "TYPE": {kEnum, mc}, "PORT_ID": {kOID, fCreateOnly}, "VLAN_ID": {kOID, fCreateOnly},
		"SRC_MAC_ADDRESS": {kMAC, 0}, "MTU": {kU32, 0}, "ADMIN_V4_STATE": {kBool, 0}, "ADMIN_V6_STATE": {kBool, 0},
	},
	halv1.ObjectType_OBJECT_TYPE_NEIGHBOR_ENTRY: {"DST_MAC_ADDRESS": {kMAC, fMandatory}, "PACKET_ACTION": {kEnum, 0}},
	halv1.ObjectType_OBJECT_TYPE_NEXT_HOP: {
		"TYPE": {kEnum, mc}, "IP": {kIP, fCreateOnly}, "ROUTER_INTERFACE_ID": {kOID, fCreateOnly},
	},
	halv1.ObjectType_OBJECT_TYPE_ROUTE_ENTRY: {"NEXT_HOP_ID": {kOID, 0}, "PACKET_ACTION": {kEnum, 0}},
	halv1.ObjectType_OBJECT_TYPE_HOSTIF: {
		"TYPE": {kEnum, mc}, "OBJ_ID": {kOID, fCreateOnly}, "NAME": {kString, fCreateOnly}, "OPER_STATUS": {kBool, 0},
	},
	halv1.ObjectType_OBJECT_TYPE_HOSTIF_TRAP_GROUP: {"ADMIN_STATE": {kBool, 0}, "QUEUE": {kU32, 0}},
	halv1.ObjectType_OBJECT_TYPE_HOSTIF_TRAP: {
		"TRAP_TYPE": {kEnum, mc}, "PACKET_ACTION": {kEnum, fMandatory}, "TRAP_GROUP": {kOID, 0}, "TRAP_PRIORITY": {kU32, 0},
	},
	halv1.ObjectType_OBJECT_TYPE_ISOLATION_GROUP: {"TYPE": {kEnum, mc}},
	halv1.ObjectType_OBJECT_TYPE_ISOLATION_GROUP_MEMBER: {
		"ISOLATION_GROUP_ID": {kOID, mc}, "ISOLATION_OBJECT": {kOID, mc},
	},
	halv1.ObjectType_OBJECT_TYPE_MY_MAC: {
		"MAC_ADDRESS": {kMAC, fCreateOnly}, "MAC_ADDRESS_MASK": {kMAC, fCreateOnly}, "VLAN_ID": {kU32, fCreateOnly},
		"PORT_ID": {kOID, fCreateOnly}, "PRIORITY": {kU32, fCreateOnly},
	},
}

// attrPrefix: SAI_<TYPE>_ATTR_, e.g. SAI_MY_MAC_ATTR_.
func attrPrefix(t halv1.ObjectType) string {
	return "SAI_" + strings.TrimPrefix(t.String(), "OBJECT_TYPE_") + "_ATTR_"
}

// attrByName indexes attrTable by full attribute name, per type.
var attrByName = func() map[halv1.ObjectType]map[string]attrMeta {
	out := make(map[halv1.ObjectType]map[string]attrMeta, len(attrTable))
	for t, attrs := range attrTable {
		m := make(map[string]attrMeta, len(attrs))
		for short, meta := range attrs {
			m[attrPrefix(t)+short] = meta
		}
		out[t] = m
	}
	return out
}()

func lookupAttr(t halv1.ObjectType, name string) (attrMeta, bool) {
	m, ok := attrByName[t][name]
	return m, ok
}

func knownAttr(t halv1.ObjectType, name string) bool { _, ok := lookupAttr(t, name); return ok }

func createOnly(t halv1.ObjectType, name string) bool {
	m, ok := lookupAttr(t, name)
	return ok && m.flags&fCreateOnly != 0
}

func readOnly(t halv1.ObjectType, name string) bool {
	m, ok := lookupAttr(t, name)
	return ok && m.flags&fReadOnly != 0
}

// parseAttr parses one ASIC_DB attribute string into a HAL attribute.
func parseAttr(t halv1.ObjectType, name, value string) (*halv1.Attribute, error) {
	m, ok := lookupAttr(t, name)
	if !ok {
		return nil, errStatus(halv1.Status_STATUS_INVALID_ATTRIBUTE, "unknown attribute %s for %s", name, typeName(t))
	}
	bad := func(err error) error {
		return errStatus(halv1.Status_STATUS_INVALID_ATTR_VALUE, "%s=%q: %v", name, value, err)
	}
	a := &halv1.Attribute{Id: name}
	switch m.kind {
	case kBool:
		switch value {
		case "true":
			a.Value = &halv1.Attribute_BoolValue{BoolValue: true}
		case "false":
			a.Value = &halv1.Attribute_BoolValue{BoolValue: false}
		default:
			return nil, bad(fmt.Errorf("want true or false"))
		}
	case kU32:
		v, err := strconv.ParseUint(value, 10, 32)
		if err != nil {
			return nil, bad(err)
		}
		a.Value = &halv1.Attribute_U32{U32: uint32(v)}
	case kU64:
		v, err := strconv.ParseUint(value, 10, 64)
		if err != nil {
			return nil, bad(err)
		}
		a.Value = &halv1.Attribute_U64{U64: v}
	case kS32:
		v, err := strconv.ParseInt(value, 10, 32)
		if err != nil {
			return nil, bad(err)
		}
		a.Value = &halv1.Attribute_S32{S32: int32(v)}
	case kMAC:
		mac, err := net.ParseMAC(value)
		if err != nil || len(mac) != 6 {
			return nil, bad(fmt.Errorf("not a MAC address"))
		}
		a.Value = &halv1.Attribute_Mac{Mac: mac}
	case kIP:
		ip, err := parseIP(value)
		if err != nil {
			return nil, bad(err)
		}
		a.Value = &halv1.Attribute_Ip{Ip: ip}
	case kPrefix:
		p, err := parsePrefix(value)
		if err != nil {
			return nil, bad(err)
		}
		a.Value = &halv1.Attribute_Prefix{Prefix: p}
	case kOID:
		v, err := parseOID(value)
		if err != nil {
			return nil, bad(err)
		}
		a.Value = &halv1.Attribute_Oid{Oid: v}
	case kOIDList, kU32List:
		items, err := splitList(value)
		if err != nil {
			return nil, bad(err)
		}
		if m.kind == kOIDList {
			l := &halv1.OidList{Oids: make([]uint64, len(items))}
			for i, s := range items {
				if l.Oids[i], err = parseOID(s); err != nil {
					return nil, bad(err)
				}
			}
			a.Value = &halv1.Attribute_OidList{OidList: l}
		} else {
			l := &halv1.U32List{Values: make([]uint32, len(items))}
			for i, s := range items {
				v, err := strconv.ParseUint(s, 10, 32)
				if err != nil {
					return nil, bad(err)
				}
				l.Values[i] = uint32(v)
			}
			a.Value = &halv1.Attribute_U32List{U32List: l}
		}
	case kEnum:
		if !strings.HasPrefix(value, "SAI_") {
			return nil, bad(fmt.Errorf("not an enum name"))
		}
		a.Value = &halv1.Attribute_EnumName{EnumName: value}
	case kString:
		a.Value = &halv1.Attribute_Str{Str: value}
	}
	return a, nil
}

// splitList parses "<count>:<a>,<b>" ("0:null" when empty).
func splitList(s string) ([]string, error) {
	n, rest, ok := strings.Cut(s, ":")
	if !ok {
		return nil, fmt.Errorf("list: want <count>:<items>")
	}
	count, err := strconv.Atoi(n)
	if err != nil || count < 0 {
		return nil, fmt.Errorf("list count %q", n)
	}
	if count == 0 {
		return nil, nil
	}
	items := splitOIDAware(rest)
	if len(items) != count {
		return nil, fmt.Errorf("list: count %d, %d items", count, len(items))
	}
	return items, nil
}

func splitOIDAware(s string) []string { return strings.Split(s, ",") }

// formatAttr formats a HAL attribute in the ASIC_DB string form.
func formatAttr(_ halv1.ObjectType, a *halv1.Attribute) (string, string, error) {
	switch v := a.GetValue().(type) {
	case *halv1.Attribute_BoolValue:
		return a.GetId(), strconv.FormatBool(v.BoolValue), nil
	case *halv1.Attribute_U32:
		return a.GetId(), strconv.FormatUint(uint64(v.U32), 10), nil
	case *halv1.Attribute_U64:
		return a.GetId(), strconv.FormatUint(v.U64, 10), nil
	case *halv1.Attribute_S32:
		return a.GetId(), strconv.FormatInt(int64(v.S32), 10), nil
	case *halv1.Attribute_Mac:
		return a.GetId(), formatMAC(v.Mac), nil
	case *halv1.Attribute_Ip:
		return a.GetId(), net.IP(v.Ip).String(), nil
	case *halv1.Attribute_Prefix:
		return a.GetId(), formatPrefix(v.Prefix), nil
	case *halv1.Attribute_Oid:
		return a.GetId(), formatOID(v.Oid), nil
	case *halv1.Attribute_OidList:
		items := make([]string, len(v.OidList.GetOids()))
		for i, o := range v.OidList.GetOids() {
			items[i] = formatOID(o)
		}
		return a.GetId(), joinList(items), nil
	case *halv1.Attribute_U32List:
		items := make([]string, len(v.U32List.GetValues()))
		for i, o := range v.U32List.GetValues() {
			items[i] = strconv.FormatUint(uint64(o), 10)
		}
		return a.GetId(), joinList(items), nil
	case *halv1.Attribute_Str:
		return a.GetId(), v.Str, nil
	case *halv1.Attribute_EnumName:
		return a.GetId(), v.EnumName, nil
	}
	return "", "", fmt.Errorf("attribute %s: no value", a.GetId())
}

func joinList(items []string) string {
	if len(items) == 0 {
		return "0:null"
	}
	return strconv.Itoa(len(items)) + ":" + strings.Join(items, ",")
}

func formatMAC(b []byte) string {
	return strings.ToUpper(net.HardwareAddr(b).String())
}

func parseIP(s string) ([]byte, error) {
	ip := net.ParseIP(s)
	if ip == nil {
		return nil, fmt.Errorf("not an IP address: %q", s)
	}
	if v4 := ip.To4(); v4 != nil {
		return v4, nil
	}
	return ip, nil
}

func parsePrefix(s string) (*halv1.IpPrefix, error) {
	ip, n, err := net.ParseCIDR(s)
	if err != nil {
		return nil, err
	}
	ones, _ := n.Mask.Size()
	b := ip.To4()
	if b == nil {
		b = ip.To16()
	}
	return &halv1.IpPrefix{Addr: b, PrefixLen: uint32(ones)}, nil
}

func formatPrefix(p *halv1.IpPrefix) string {
	return net.IP(p.GetAddr()).String() + "/" + strconv.Itoa(int(p.GetPrefixLen()))
}

// validateCreate checks mandatory attributes and read-only ones.
func validateCreate(t halv1.ObjectType, attrs []*halv1.Attribute) error {
	have := make(map[string]bool, len(attrs))
	for _, a := range attrs {
		if readOnly(t, a.GetId()) {
			return errStatus(halv1.Status_STATUS_INVALID_ATTRIBUTE, "attribute %s is read-only", a.GetId())
		}
		have[a.GetId()] = true
	}
	for short, m := range attrTable[t] {
		if m.flags&fMandatory != 0 && !have[attrPrefix(t)+short] {
			return errStatus(halv1.Status_STATUS_MANDATORY_ATTRIBUTE_MISSING, "mandatory attribute %s%s missing", attrPrefix(t), short)
		}
	}
	return nil
}

// validateSet refuses create-only and read-only attributes.
func validateSet(t halv1.ObjectType, a *halv1.Attribute) error {
	m, ok := lookupAttr(t, a.GetId())
	if !ok {
		return errStatus(halv1.Status_STATUS_INVALID_ATTRIBUTE, "unknown attribute %s", a.GetId())
	}
	if m.flags&(fCreateOnly|fReadOnly) != 0 {
		return errStatus(halv1.Status_STATUS_INVALID_ATTRIBUTE, "attribute %s cannot be set", a.GetId())
	}
	return nil
}
