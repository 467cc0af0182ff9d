package syncd

// codec.go: the SAI object/attribute codec syncd needs. hal/sai had not
// landed when this was written; this file is the only place that knows the
// ASIC_DB string forms and the attribute metadata, so switching to hal/sai
// means rewriting this file only.

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// statusError carries the SAI status that describes an error.
type statusError struct {
	st  halv1.Status
	msg string
}

func (e *statusError) Error() string { return statusName(e.st) + ": " + e.msg }

func errStatus(st halv1.Status, format string, a ...any) error {
	return &statusError{st: st, msg: fmt.Sprintf(format, a...)}
}

// statusOf returns the status an error carries, or def.
func statusOf(err error, def halv1.Status) halv1.Status {
	var se *statusError
	if errors.As(err, &se) {
		return se.st
	}
	return def
}

// statusName is the SAI name of a status, e.g. SAI_STATUS_TABLE_FULL.
func statusName(st halv1.Status) string {
	return "SAI_" + st.String()
}

// --- object types ---------------------------------------------------------

func typeName(t halv1.ObjectType) string {
	return "SAI_" + t.String()
}

func objectTypeOf(name string) (halv1.ObjectType, bool) {
	if !strings.HasPrefix(name, "SAI_OBJECT_TYPE_") {
		return 0, false
	}
	v, ok := halv1.ObjectType_value[strings.TrimPrefix(name, "SAI_")]
	if !ok || v == 0 {
		return 0, false
	}
	return halv1.ObjectType(v), true
}

func isEntryType(t halv1.ObjectType) bool {
	switch t {
	case halv1.ObjectType_OBJECT_TYPE_FDB_ENTRY, halv1.ObjectType_OBJECT_TYPE_ROUTE_ENTRY, halv1.ObjectType_OBJECT_TYPE_NEIGHBOR_ENTRY:
		return true
	}
	return false
}

// dependencyOrder lists object types so that a type only references types
// before it.
var dependencyOrder = []halv1.ObjectType{
	halv1.ObjectType_OBJECT_TYPE_SWITCH,
	halv1.ObjectType_OBJECT_TYPE_PORT,
	halv1.ObjectType_OBJECT_TYPE_VIRTUAL_ROUTER,
	halv1.ObjectType_OBJECT_TYPE_HOSTIF_TRAP_GROUP,
	halv1.ObjectType_OBJECT_TYPE_BRIDGE,
	halv1.ObjectType_OBJECT_TYPE_VLAN,
	halv1.ObjectType_OBJECT_TYPE_LAG,
	halv1.ObjectType_OBJECT_TYPE_LAG_MEMBER,
	halv1.ObjectType_OBJECT_TYPE_ISOLATION_GROUP,
	halv1.ObjectType_OBJECT_TYPE_BRIDGE_PORT,
	halv1.ObjectType_OBJECT_TYPE_ISOLATION_GROUP_MEMBER,
	halv1.ObjectType_OBJECT_TYPE_VLAN_MEMBER,
	halv1.ObjectType_OBJECT_TYPE_FDB_ENTRY,
	halv1.ObjectType_OBJECT_TYPE_ROUTER_INTERFACE,
	halv1.ObjectType_OBJECT_TYPE_NEIGHBOR_ENTRY,
	halv1.ObjectType_OBJECT_TYPE_NEXT_HOP,
	halv1.ObjectType_OBJECT_TYPE_ROUTE_ENTRY,
	halv1.ObjectType_OBJECT_TYPE_HOSTIF,
	halv1.ObjectType_OBJECT_TYPE_HOSTIF_TRAP,
	halv1.ObjectType_OBJECT_TYPE_MY_MAC,
}

func typeRanks() map[halv1.ObjectType]int {
	r := make(map[halv1.ObjectType]int, len(dependencyOrder))
	for i, t := range dependencyOrder {
		r[t] = i
	}
	return r
}

// --- object ids -----------------------------------------------------------

const vidCounterMask = 1<<39 - 1

func makeVID(t halv1.ObjectType, n uint64) uint64 {
	return uint64(t)&0xff<<48 | n&vidCounterMask
}

func vidType(vid uint64) halv1.ObjectType {
	return halv1.ObjectType(vid >> 48 & 0xff)
}

func formatOID(v uint64) string {
	return "oid:0x" + strconv.FormatUint(v, 16)
}

func parseOID(s string) (uint64, error) {
	h, ok := strings.CutPrefix(s, "oid:0x")
	if !ok {
		return 0, errStatus(halv1.Status_STATUS_INVALID_PARAMETER, "object id %q: want oid:0x<hex>", s)
	}
	v, err := strconv.ParseUint(h, 16, 64)
	if err != nil {
		return 0, errStatus(halv1.Status_STATUS_INVALID_PARAMETER, "object id %q: %v", s, err)
	}
	return v, nil
}

type fdbKeyJSON struct {
	Bvid     string `json:"bvid"`
	Mac      string `json:"mac"`
	SwitchID string `json:"switch_id"`
}

type routeKeyJSON struct {
	Dest     string `json:"dest"`
	SwitchID string `json:"switch_id"`
	Vr       string `json:"vr"`
}

type neighKeyJSON struct {
	IP       string `json:"ip"`
	Rif      string `json:"rif"`
	SwitchID string `json:"switch_id"`
}

// parseObjectID parses the id part of a key: an oid or a JSON entry key.
func parseObjectID(t halv1.ObjectType, id string) (*halv1.ObjectKey, error) {
	k := &halv1.ObjectKey{Type: t}
	bad := func(err error) error {
		return errStatus(halv1.Status_STATUS_INVALID_PARAMETER, "%s key %q: %v", typeName(t), id, err)
	}
	switch t {
	case halv1.ObjectType_OBJECT_TYPE_FDB_ENTRY:
		var j fdbKeyJSON
		if err := json.Unmarshal([]byte(id), &j); err != nil {
			return nil, bad(err)
		}
		sw, err1 := parseOID(j.SwitchID)
		bv, err2 := parseOID(j.Bvid)
		mac, err3 := net.ParseMAC(j.Mac)
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, bad(err)
		}
		k.Key = &halv1.ObjectKey_FdbEntry{FdbEntry: &halv1.FdbEntry{SwitchId: sw, Mac: mac, BvId: bv}}
	case halv1.ObjectType_OBJECT_TYPE_ROUTE_ENTRY:
		var j routeKeyJSON
		if err := json.Unmarshal([]byte(id), &j); err != nil {
			return nil, bad(err)
		}
		sw, err1 := parseOID(j.SwitchID)
		vr, err2 := parseOID(j.Vr)
		p, err3 := parsePrefix(j.Dest)
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, bad(err)
		}
		k.Key = &halv1.ObjectKey_RouteEntry{RouteEntry: &halv1.RouteEntry{SwitchId: sw, VrId: vr, Destination: p}}
	case halv1.ObjectType_OBJECT_TYPE_NEIGHBOR_ENTRY:
		var j neighKeyJSON
		if err := json.Unmarshal([]byte(id), &j); err != nil {
			return nil, bad(err)
		}
		sw, err1 := parseOID(j.SwitchID)
		rif, err2 := parseOID(j.Rif)
		ip, err3 := parseIP(j.IP)
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, bad(err)
		}
		k.Key = &halv1.ObjectKey_NeighborEntry{NeighborEntry: &halv1.NeighborEntry{SwitchId: sw, RifId: rif, IpAddress: ip}}
	default:
		v, err := parseOID(id)
		if err != nil {
			return nil, err
		}
		k.Key = &halv1.ObjectKey_Oid{Oid: v}
	}
	return k, nil
}

// formatObjectID is the inverse of parseObjectID.
func formatObjectID(k *halv1.ObjectKey) (string, error) {
	var v any
	switch x := k.GetKey().(type) {
	case *halv1.ObjectKey_Oid:
		return formatOID(x.Oid), nil
	case *halv1.ObjectKey_FdbEntry:
		v = fdbKeyJSON{Bvid: formatOID(x.FdbEntry.GetBvId()), Mac: formatMAC(x.FdbEntry.GetMac()), SwitchID: formatOID(x.FdbEntry.GetSwitchId())}
	case *halv1.ObjectKey_RouteEntry:
		v = routeKeyJSON{Dest: formatPrefix(x.RouteEntry.GetDestination()), SwitchID: formatOID(x.RouteEntry.GetSwitchId()), Vr: formatOID(x.RouteEntry.GetVrId())}
	case *halv1.ObjectKey_NeighborEntry:
		v = neighKeyJSON{IP: net.IP(x.NeighborEntry.GetIpAddress()).String(), Rif: formatOID(x.NeighborEntry.GetRifId()), SwitchID: formatOID(x.NeighborEntry.GetSwitchId())}
	default:
		return "", fmt.Errorf("object key %v: no id", k)
	}
	b, err := json.Marshal(v)
	return string(b), err
}

func keyRefs(k *halv1.ObjectKey) []uint64 {
	switch x := k.GetKey().(type) {
	case *halv1.ObjectKey_FdbEntry:
		return []uint64{x.FdbEntry.GetBvId()}
	case *halv1.ObjectKey_RouteEntry:
		return []uint64{x.RouteEntry.GetVrId()}
	case *halv1.ObjectKey_NeighborEntry:
		return []uint64{x.NeighborEntry.GetRifId()}
	}
	return nil
}

// mapKey translates the object ids of a key (the switch id included).
func mapKey(k *halv1.ObjectKey, fn func(uint64) (uint64, bool)) (*halv1.ObjectKey, error) {
	m := func(v uint64) (uint64, error) {
		r, ok := fn(v)
		if !ok {
			return 0, errStatus(halv1.Status_STATUS_INVALID_OBJECT_ID, "object %s does not exist", formatOID(v))
		}
		return r, nil
	}
	out := &halv1.ObjectKey{Type: k.GetType()}
	switch x := k.GetKey().(type) {
	case *halv1.ObjectKey_Oid:
		v, err := m(x.Oid)
		if err != nil {
			return nil, err
		}
		out.Key = &halv1.ObjectKey_Oid{Oid: v}
	case *halv1.ObjectKey_FdbEntry:
		sw, err1 := m(x.FdbEntry.GetSwitchId())
		bv, err2 := m(x.FdbEntry.GetBvId())
		if err := errors.Join(err1, err2); err != nil {
			return nil, err
		}
		out.Key = &halv1.ObjectKey_FdbEntry{FdbEntry: &halv1.FdbEntry{SwitchId: sw, Mac: x.FdbEntry.GetMac(), BvId: bv}}
	case *halv1.ObjectKey_RouteEntry:
		sw, err1 := m(x.RouteEntry.GetSwitchId())
		vr, err2 := m(x.RouteEntry.GetVrId())
		if err := errors.Join(err1, err2); err != nil {
			return nil, err
		}
		out.Key = &halv1.ObjectKey_RouteEntry{RouteEntry: &halv1.RouteEntry{SwitchId: sw, VrId: vr, Destination: x.RouteEntry.GetDestination()}}
	case *halv1.ObjectKey_NeighborEntry:
		sw, err1 := m(x.NeighborEntry.GetSwitchId())
		rif, err2 := m(x.NeighborEntry.GetRifId())
		if err := errors.Join(err1, err2); err != nil {
			return nil, err
		}
		out.Key = &halv1.ObjectKey_NeighborEntry{NeighborEntry: &halv1.NeighborEntry{SwitchId: sw, RifId: rif, IpAddress: x.NeighborEntry.GetIpAddress()}}
	default:
		return k, nil
	}
	return out, nil
}

// --- attributes -----------------------------------------------------------

func appendAttrRefs(refs []uint64, a *halv1.Attribute) []uint64 {
	switch v := a.GetValue().(type) {
	case *halv1.Attribute_Oid:
		if v.Oid != 0 {
			refs = append(refs, v.Oid)
		}
	case *halv1.Attribute_OidList:
		for _, o := range v.OidList.GetOids() {
			if o != 0 {
				refs = append(refs, o)
			}
		}
	}
	return refs
}

// mapAttr translates the object ids of an attribute; an attribute without
// any is returned as is.
func mapAttr(a *halv1.Attribute, fn func(uint64) (uint64, bool)) (*halv1.Attribute, error) {
	switch v := a.GetValue().(type) {
	case *halv1.Attribute_Oid:
		if v.Oid == 0 {
			return a, nil
		}
		r, ok := fn(v.Oid)
		if !ok {
			return nil, errStatus(halv1.Status_STATUS_INVALID_OBJECT_ID, "object %s does not exist", formatOID(v.Oid))
		}
		return &halv1.Attribute{Id: a.GetId(), Value: &halv1.Attribute_Oid{Oid: r}}, nil
	case *halv1.Attribute_OidList:
		out := make([]uint64, len(v.OidList.GetOids()))
		for i, o := range v.OidList.GetOids() {
			r, ok := fn(o)
			if !ok && o != 0 {
				return nil, errStatus(halv1.Status_STATUS_INVALID_OBJECT_ID, "object %s does not exist", formatOID(o))
			}
			out[i] = r
		}
		return &halv1.Attribute{Id: a.GetId(), Value: &halv1.Attribute_OidList{OidList: &halv1.OidList{Oids: out}}}, nil
	}
	return a, nil
}
