package sai

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// ParseAttr parses one ASIC_DB attribute (field, value) of type t.
func ParseAttr(t halv1.ObjectType, field, value string) (*halv1.Attribute, error) {
	m, ok := Attr(t, field)
	if !ok {
		return nil, Errorf(halv1.Status_STATUS_INVALID_ATTRIBUTE, "%s: unknown attribute %s", TypeName(t), field)
	}
	bad := func(err error) error {
		return Errorf(halv1.Status_STATUS_INVALID_ATTR_VALUE, "%s %s=%q: %v", TypeName(t), field, value, err)
	}
	a := &halv1.Attribute{Id: field}
	switch m.Kind {
	case KindBool:
		switch value {
		case "true":
			a.Value = &halv1.Attribute_BoolValue{BoolValue: true}
		case "false":
			a.Value = &halv1.Attribute_BoolValue{BoolValue: false}
		default:
			return nil, bad(errors.New("want true or false"))
		}
	case KindU32:
		v, err := strconv.ParseUint(value, 10, 32)
		if err != nil {
			return nil, bad(errors.New("not an unsigned 32-bit number"))
		}
		a.Value = &halv1.Attribute_U32{U32: uint32(v)}
	case KindU64:
		v, err := strconv.ParseUint(value, 10, 64)
		if err != nil {
			return nil, bad(errors.New("not an unsigned 64-bit number"))
		}
		a.Value = &halv1.Attribute_U64{U64: v}
	case KindS32:
		v, err := strconv.ParseInt(value, 10, 32)
		if err != nil {
			return nil, bad(errors.New("not a signed 32-bit number"))
		}
		a.Value = &halv1.Attribute_S32{S32: int32(v)}
	case KindMAC:
		mac, err := ParseMAC(value)
		if err != nil {
			return nil, bad(err)
		}
		a.Value = &halv1.Attribute_Mac{Mac: mac}
	case KindIP:
		ip, err := ParseIP(value)
		if err != nil {
			return nil, bad(err)
		}
		a.Value = &halv1.Attribute_Ip{Ip: ip}
	case KindPrefix:
		p, err := ParsePrefix(value)
		if err != nil {
			return nil, bad(err)
		}
		a.Value = &halv1.Attribute_Prefix{Prefix: p}
	case KindOID:
		v, err := ParseOID(value)
		if err != nil {
			return nil, bad(err)
		}
		a.Value = &halv1.Attribute_Oid{Oid: v}
	case KindOIDList:
		items, err := splitList(value)
		if err != nil {
			return nil, bad(err)
		}
		l := &halv1.OidList{Oids: make([]uint64, len(items))}
		for i, s := range items {
			if l.Oids[i], err = ParseOID(s); err != nil {
				return nil, bad(err)
			}
		}
		a.Value = &halv1.Attribute_OidList{OidList: l}
	case KindU32List:
		items, err := splitList(value)
		if err != nil {
			return nil, bad(err)
		}
		l := &halv1.U32List{Values: make([]uint32, len(items))}
		for i, s := range items {
			v, err := strconv.ParseUint(s, 10, 32)
			if err != nil {
				return nil, bad(fmt.Errorf("list item %q: not an unsigned 32-bit number", s))
			}
			l.Values[i] = uint32(v)
		}
		a.Value = &halv1.Attribute_U32List{U32List: l}
	case KindEnum:
		if !validEnum(m, value) {
			return nil, bad(fmt.Errorf("not one of %s", strings.Join(m.EnumValues, ", ")))
		}
		a.Value = &halv1.Attribute_EnumName{EnumName: value}
	case KindString:
		a.Value = &halv1.Attribute_Str{Str: value}
	}
	return a, nil
}

func validEnum(m *AttrMeta, v string) bool {
	for _, e := range m.EnumValues {
		if e == v {
			return true
		}
	}
	return false
}

// FormatAttr renders a HAL attribute as its ASIC_DB (field, value).
func FormatAttr(a *halv1.Attribute) (field, value string, err error) {
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
		if len(v.Mac) != 6 {
			return "", "", Errorf(halv1.Status_STATUS_INVALID_ATTR_VALUE, "%s: MAC of %d octets", a.GetId(), len(v.Mac))
		}
		return a.GetId(), FormatMAC(v.Mac), nil
	case *halv1.Attribute_Ip:
		s, err := FormatIP(v.Ip)
		if err != nil {
			return "", "", Errorf(halv1.Status_STATUS_INVALID_ATTR_VALUE, "%s: %v", a.GetId(), err)
		}
		return a.GetId(), s, nil
	case *halv1.Attribute_Prefix:
		s, err := FormatPrefix(v.Prefix)
		if err != nil {
			return "", "", Errorf(halv1.Status_STATUS_INVALID_ATTR_VALUE, "%s: %v", a.GetId(), err)
		}
		return a.GetId(), s, nil
	case *halv1.Attribute_Oid:
		return a.GetId(), FormatOID(v.Oid), nil
	case *halv1.Attribute_OidList:
		items := make([]string, len(v.OidList.GetOids()))
		for i, o := range v.OidList.GetOids() {
			items[i] = FormatOID(o)
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
	return "", "", Errorf(halv1.Status_STATUS_INVALID_ATTR_VALUE, "attribute %s: no value", a.GetId())
}

// splitList parses "<count>:<a>,<b>" ("0:null" when empty).
func splitList(s string) ([]string, error) {
	n, rest, ok := strings.Cut(s, ":")
	if !ok {
		return nil, errors.New("list: want <count>:<items>")
	}
	count, err := strconv.Atoi(n)
	if err != nil || count < 0 {
		return nil, fmt.Errorf("list count %q", n)
	}
	if count == 0 {
		if rest != "null" && rest != "" {
			return nil, fmt.Errorf("list: count 0 with items %q", rest)
		}
		return nil, nil
	}
	items := strings.Split(rest, ",")
	if len(items) != count {
		return nil, fmt.Errorf("list: count %d but %d items", count, len(items))
	}
	return items, nil
}

func joinList(items []string) string {
	if len(items) == 0 {
		return "0:null"
	}
	return strconv.Itoa(len(items)) + ":" + strings.Join(items, ",")
}

// FormatMAC renders a MAC the sairedis way: upper-case, colon separated.
func FormatMAC(b []byte) string { return strings.ToUpper(net.HardwareAddr(b).String()) }

// ParseMAC parses a 6-octet MAC in any case.
func ParseMAC(s string) ([]byte, error) {
	mac, err := net.ParseMAC(s)
	if err != nil || len(mac) != 6 {
		return nil, fmt.Errorf("not a 6-octet MAC address: %q", s)
	}
	return mac, nil
}

// ParseIP parses an IPv4 (4 octets) or IPv6 (16 octets) address.
func ParseIP(s string) ([]byte, error) {
	ip := net.ParseIP(s)
	if ip == nil {
		return nil, fmt.Errorf("not an IP address: %q", s)
	}
	if v4 := ip.To4(); v4 != nil && !strings.Contains(s, ":") {
		return v4, nil
	}
	return ip.To16(), nil
}

// FormatIP renders a 4- or 16-octet address.
func FormatIP(b []byte) (string, error) {
	if len(b) != 4 && len(b) != 16 {
		return "", fmt.Errorf("IP address of %d octets", len(b))
	}
	return net.IP(b).String(), nil
}

// ParsePrefix parses "a.b.c.d/len" or "2001:db8::/64".
func ParsePrefix(s string) (*halv1.IpPrefix, error) {
	addr, lenStr, ok := strings.Cut(s, "/")
	if !ok {
		return nil, fmt.Errorf("prefix %q: no /length", s)
	}
	ip, err := ParseIP(addr)
	if err != nil {
		return nil, fmt.Errorf("prefix %q: %w", s, err)
	}
	n, err := strconv.Atoi(lenStr)
	if err != nil || n < 0 || n > 8*len(ip) {
		return nil, fmt.Errorf("prefix %q: bad length", s)
	}
	return &halv1.IpPrefix{Addr: ip, PrefixLen: uint32(n)}, nil
}

// FormatPrefix renders a prefix.
func FormatPrefix(p *halv1.IpPrefix) (string, error) {
	s, err := FormatIP(p.GetAddr())
	if err != nil {
		return "", err
	}
	if int(p.GetPrefixLen()) > 8*len(p.GetAddr()) {
		return "", fmt.Errorf("prefix length %d for a %d-octet address", p.GetPrefixLen(), len(p.GetAddr()))
	}
	return s + "/" + strconv.Itoa(int(p.GetPrefixLen())), nil
}

// --- keys ---------------------------------------------------------------------

// JSON forms of entry keys; members in sorted order as sairedis writes them.
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

// ParseKey parses an ASIC_DB object key "SAI_OBJECT_TYPE_X:<id>" where id
// is an oid or a JSON entry key.
func ParseKey(s string) (*halv1.ObjectKey, error) {
	typ, id, ok := strings.Cut(s, ":")
	if !ok {
		return nil, Errorf(halv1.Status_STATUS_INVALID_PARAMETER, "object key %q: want SAI_OBJECT_TYPE_X:<id>", s)
	}
	o, ok := ObjectByName(typ)
	if !ok {
		return nil, Errorf(halv1.Status_STATUS_INVALID_OBJECT_TYPE, "object key %q: unknown object type %s", s, typ)
	}
	return ParseObjectID(o.Type, id)
}

// ParseObjectID parses the id part of a key of type t.
func ParseObjectID(t halv1.ObjectType, id string) (*halv1.ObjectKey, error) {
	k := &halv1.ObjectKey{Type: t}
	bad := func(err error) error {
		return Errorf(halv1.Status_STATUS_INVALID_PARAMETER, "%s key %q: %v", TypeName(t), id, err)
	}
	switch t {
	case tFDB:
		var j fdbKeyJSON
		if err := json.Unmarshal([]byte(id), &j); err != nil {
			return nil, bad(err)
		}
		sw, err1 := ParseOID(j.SwitchID)
		bv, err2 := ParseOID(j.Bvid)
		mac, err3 := ParseMAC(j.Mac)
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, bad(err)
		}
		k.Key = &halv1.ObjectKey_FdbEntry{FdbEntry: &halv1.FdbEntry{SwitchId: sw, Mac: mac, BvId: bv}}
	case tRoute:
		var j routeKeyJSON
		if err := json.Unmarshal([]byte(id), &j); err != nil {
			return nil, bad(err)
		}
		sw, err1 := ParseOID(j.SwitchID)
		vr, err2 := ParseOID(j.Vr)
		p, err3 := ParsePrefix(j.Dest)
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, bad(err)
		}
		k.Key = &halv1.ObjectKey_RouteEntry{RouteEntry: &halv1.RouteEntry{SwitchId: sw, VrId: vr, Destination: p}}
	case tNeighbor:
		var j neighKeyJSON
		if err := json.Unmarshal([]byte(id), &j); err != nil {
			return nil, bad(err)
		}
		sw, err1 := ParseOID(j.SwitchID)
		rif, err2 := ParseOID(j.Rif)
		ip, err3 := ParseIP(j.IP)
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, bad(err)
		}
		k.Key = &halv1.ObjectKey_NeighborEntry{NeighborEntry: &halv1.NeighborEntry{SwitchId: sw, RifId: rif, IpAddress: ip}}
	default:
		v, err := ParseOID(id)
		if err != nil {
			return nil, err
		}
		k.Key = &halv1.ObjectKey_Oid{Oid: v}
	}
	return k, nil
}

// FormatKey renders "SAI_OBJECT_TYPE_X:<id>".
func FormatKey(k *halv1.ObjectKey) (string, error) {
	id, err := FormatObjectID(k)
	if err != nil {
		return "", err
	}
	return TypeName(k.GetType()) + ":" + id, nil
}

// FormatObjectID renders the id part of a key: an oid, or the entry as
// compact JSON with sorted members.
func FormatObjectID(k *halv1.ObjectKey) (string, error) {
	var v any
	switch x := k.GetKey().(type) {
	case *halv1.ObjectKey_Oid:
		return FormatOID(x.Oid), nil
	case *halv1.ObjectKey_FdbEntry:
		if len(x.FdbEntry.GetMac()) != 6 {
			return "", Errorf(halv1.Status_STATUS_INVALID_PARAMETER, "FDB entry MAC of %d octets", len(x.FdbEntry.GetMac()))
		}
		v = fdbKeyJSON{Bvid: FormatOID(x.FdbEntry.GetBvId()), Mac: FormatMAC(x.FdbEntry.GetMac()), SwitchID: FormatOID(x.FdbEntry.GetSwitchId())}
	case *halv1.ObjectKey_RouteEntry:
		d, err := FormatPrefix(x.RouteEntry.GetDestination())
		if err != nil {
			return "", Errorf(halv1.Status_STATUS_INVALID_PARAMETER, "route entry: %v", err)
		}
		v = routeKeyJSON{Dest: d, SwitchID: FormatOID(x.RouteEntry.GetSwitchId()), Vr: FormatOID(x.RouteEntry.GetVrId())}
	case *halv1.ObjectKey_NeighborEntry:
		ip, err := FormatIP(x.NeighborEntry.GetIpAddress())
		if err != nil {
			return "", Errorf(halv1.Status_STATUS_INVALID_PARAMETER, "neighbor entry: %v", err)
		}
		v = neighKeyJSON{IP: ip, Rif: FormatOID(x.NeighborEntry.GetRifId()), SwitchID: FormatOID(x.NeighborEntry.GetSwitchId())}
	default:
		return "", Errorf(halv1.Status_STATUS_INVALID_PARAMETER, "%s key without an id", TypeName(k.GetType()))
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// --- object ids inside keys and attributes -------------------------------------

// KeyRefOIDs lists the object ids an entry key references (VR, RIF, VLAN);
// the switch id is not a reference.
func KeyRefOIDs(k *halv1.ObjectKey) []uint64 {
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

// RefOIDs lists the non-null object ids an attribute references.
func RefOIDs(a *halv1.Attribute) []uint64 { return AppendRefOIDs(nil, a) }

// AppendRefOIDs appends the non-null object ids of a to refs.
func AppendRefOIDs(refs []uint64, a *halv1.Attribute) []uint64 {
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

// MapOIDs translates the object ids of an attribute with fn (VID↔RID). An
// attribute without ids is returned as is (no copy on the hot path); null
// ids stay null; an id fn does not know is INVALID_OBJECT_ID.
func MapOIDs(a *halv1.Attribute, fn func(uint64) (uint64, bool)) (*halv1.Attribute, error) {
	switch v := a.GetValue().(type) {
	case *halv1.Attribute_Oid:
		if v.Oid == 0 {
			return a, nil
		}
		r, ok := fn(v.Oid)
		if !ok {
			return nil, Errorf(halv1.Status_STATUS_INVALID_OBJECT_ID, "%s: object %s does not exist", a.GetId(), FormatOID(v.Oid))
		}
		return &halv1.Attribute{Id: a.GetId(), Value: &halv1.Attribute_Oid{Oid: r}}, nil
	case *halv1.Attribute_OidList:
		out := make([]uint64, len(v.OidList.GetOids()))
		for i, o := range v.OidList.GetOids() {
			if o == 0 {
				continue
			}
			r, ok := fn(o)
			if !ok {
				return nil, Errorf(halv1.Status_STATUS_INVALID_OBJECT_ID, "%s: object %s does not exist", a.GetId(), FormatOID(o))
			}
			out[i] = r
		}
		return &halv1.Attribute{Id: a.GetId(), Value: &halv1.Attribute_OidList{OidList: &halv1.OidList{Oids: out}}}, nil
	}
	return a, nil
}

// MapKeyOIDs translates the object ids of a key (oid, or the switch and
// referenced ids of an entry).
func MapKeyOIDs(k *halv1.ObjectKey, fn func(uint64) (uint64, bool)) (*halv1.ObjectKey, error) {
	m := func(v uint64) (uint64, error) {
		r, ok := fn(v)
		if !ok {
			return 0, Errorf(halv1.Status_STATUS_INVALID_OBJECT_ID, "%s key: object %s does not exist", TypeName(k.GetType()), FormatOID(v))
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
