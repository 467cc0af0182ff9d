package vs

import (
	"net/netip"
	"sync/atomic"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// object is one SAI object held by the store. attrs is indexed by the
// attribute's position in hal/sai's metadata (nil = not set). Attribute
// values are never modified in place: a SET replaces the pointer, so a
// reader holding the switch's read lock sees whole values.
type object struct {
	ti       *typeInfo
	oid      uint64           // 0 for entries
	key      *halv1.ObjectKey // entries: the canonical key; oid objects: built on demand
	ek       any              // entries: the map key (fdbKey, routeKey or neighKey)
	attrs    []*halv1.Attribute
	refs     int32 // references to this object from other objects' attributes and keys
	dynRefs  int32 // of which from dynamic FDB entries (flushed, not "in use")
	platform bool  // made by the platform at start (switch, ports): cannot be removed
}

func (o *object) t() halv1.ObjectType { return o.ti.t }

func (o *object) oidAttr(i int) uint64 {
	if a := o.attrs[i]; a != nil {
		return a.GetOid()
	}
	return 0
}

func (o *object) u32Attr(i int, def uint32) uint32 {
	if a := o.attrs[i]; a != nil {
		if v, ok := a.GetValue().(*halv1.Attribute_U32); ok {
			return v.U32
		}
	}
	return def
}

func (o *object) boolAttr(i int, def bool) bool {
	if a := o.attrs[i]; a != nil {
		if v, ok := a.GetValue().(*halv1.Attribute_BoolValue); ok {
			return v.BoolValue
		}
	}
	return def
}

func (o *object) enumAttr(i int, def string) string {
	if a := o.attrs[i]; a != nil {
		if v, ok := a.GetValue().(*halv1.Attribute_EnumName); ok {
			return v.EnumName
		}
	}
	return def
}

// macAttr returns the MAC of attribute i and whether it is set.
func (o *object) macAttr(i int) (m [6]byte, ok bool) {
	if a := o.attrs[i]; a != nil {
		if v, isMAC := a.GetValue().(*halv1.Attribute_Mac); isMAC && len(v.Mac) == 6 {
			return [6]byte(v.Mac), true
		}
	}
	return m, false
}

func (o *object) ipAttr(i int) netip.Addr {
	if a := o.attrs[i]; a != nil {
		if ip, ok := netip.AddrFromSlice(a.GetIp()); ok {
			return ip
		}
	}
	return netip.Addr{}
}

// objectKey is the key of an oid object.
func oidKey(t halv1.ObjectType, oid uint64) *halv1.ObjectKey {
	return &halv1.ObjectKey{Type: t, Key: &halv1.ObjectKey_Oid{Oid: oid}}
}

func (o *object) objectKey() *halv1.ObjectKey {
	if o.key != nil {
		return o.key
	}
	return oidKey(o.t(), o.oid)
}

// Attribute constructors.
func attrBool(id string, v bool) *halv1.Attribute {
	return &halv1.Attribute{Id: id, Value: &halv1.Attribute_BoolValue{BoolValue: v}}
}

func attrU32(id string, v uint32) *halv1.Attribute {
	return &halv1.Attribute{Id: id, Value: &halv1.Attribute_U32{U32: v}}
}

func attrOID(id string, v uint64) *halv1.Attribute {
	return &halv1.Attribute{Id: id, Value: &halv1.Attribute_Oid{Oid: v}}
}

func attrOIDList(id string, v []uint64) *halv1.Attribute {
	return &halv1.Attribute{Id: id, Value: &halv1.Attribute_OidList{OidList: &halv1.OidList{Oids: v}}}
}

func attrU32List(id string, v []uint32) *halv1.Attribute {
	return &halv1.Attribute{Id: id, Value: &halv1.Attribute_U32List{U32List: &halv1.U32List{Values: v}}}
}

func attrMAC(id string, v [6]byte) *halv1.Attribute {
	return &halv1.Attribute{Id: id, Value: &halv1.Attribute_Mac{Mac: v[:]}}
}

func attrEnum(id, v string) *halv1.Attribute {
	return &halv1.Attribute{Id: id, Value: &halv1.Attribute_EnumName{EnumName: v}}
}

// fdbKey identifies an FDB entry: the VLAN object and the MAC.
type fdbKey struct {
	bv  uint64
	mac [6]byte
}

// fdbEntry is an FDB entry: created through the HAL or learned.
type fdbEntry struct {
	object
	k        fdbKey
	vid      uint16
	learned  bool         // made by the pipeline, not by a HAL create
	lastSeen atomic.Int64 // unix nanos of the last frame from this MAC (dynamic entries)
}

func (e *fdbEntry) dynamic() bool { return e.enumAttr(aFDBType, fdbDynamic) == fdbDynamic }

func (e *fdbEntry) bridgePort() uint64 { return e.oidAttr(aFDBBridgePt) }

// routeKey identifies a route entry.
type routeKey struct {
	vr     uint64
	prefix netip.Prefix
}

type routeEntry struct {
	object
	k routeKey
}

// neighKey identifies a neighbour entry.
type neighKey struct {
	rif uint64
	ip  netip.Addr
}

type neighEntry struct {
	object
	k neighKey
}
