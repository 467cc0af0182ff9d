package vs

import (
	"bytes"
	"sort"

	"github.com/vltgw/vltgw/hal/sai"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// get returns attributes of an object: the named ones (unset ones with
// their SAI default) or, when ids is empty, every attribute it holds plus
// its read-only ones.
func (s *store) get(k *halv1.ObjectKey, ids []string) ([]*halv1.Attribute, error) {
	if k == nil {
		return nil, statusErr(halv1.Status_STATUS_INVALID_PARAMETER, "key missing")
	}
	ti := typeOf(k.GetType())
	if ti == nil {
		return nil, statusErr(halv1.Status_STATUS_INVALID_OBJECT_TYPE, "unknown object type %d", int32(k.GetType()))
	}
	o, err := s.find(ti, k)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return s.held(o), nil
	}
	out := make([]*halv1.Attribute, 0, len(ids))
	for _, id := range ids {
		i, ok := ti.index[id]
		if !ok {
			return nil, statusErr(halv1.Status_STATUS_INVALID_ATTRIBUTE, "%s: unknown attribute %q", ti.meta.Name, id)
		}
		out = append(out, s.value(o, i))
	}
	return out, nil
}

// held lists the attributes an object holds, in metadata order, with its
// computed read-only lists.
func (s *store) held(o *object) []*halv1.Attribute {
	out := make([]*halv1.Attribute, 0, len(o.attrs)+1)
	for i, a := range o.attrs {
		switch {
		case a != nil:
			out = append(out, a)
		case s.computed(o, i) != nil:
			out = append(out, s.computed(o, i))
		}
	}
	return out
}

// computed returns the read-only attributes the platform derives (VLAN
// member list, LAG member list), nil for any other.
func (s *store) computed(o *object, i int) *halv1.Attribute {
	name := o.ti.meta.Attrs[i].Name
	switch {
	case o.t() == tVLAN && i == aVLANMembers:
		var ids []uint64
		if v, ok := s.vlans[o.oid]; ok {
			for _, m := range v.members {
				ids = append(ids, m.obj.oid)
			}
		}
		sortIDs(ids)
		return attrOIDList(name, ids)
	case o.t() == tLAG && i == aLAGPorts:
		var ids []uint64
		if l, ok := s.lags[o.oid]; ok {
			for _, p := range l.members {
				ids = append(ids, p.lagm.oid)
			}
		}
		sortIDs(ids)
		return attrOIDList(name, ids)
	case o.t() == tNHGroup:
		return s.nhgComputed(o, i)
	}
	return nil
}

func sortIDs(ids []uint64) { sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] }) }

// value is attribute i of o: held, computed, or SAI's default.
func (s *store) value(o *object, i int) *halv1.Attribute {
	if a := o.attrs[i]; a != nil {
		return a
	}
	if a := s.computed(o, i); a != nil {
		return a
	}
	return s.defaultValue(o, i)
}

// defaultValue is SAI's default of an attribute the object does not hold.
func (s *store) defaultValue(o *object, i int) *halv1.Attribute {
	m := o.ti.meta.Attrs[i]
	if m.Default != nil {
		return m.Default
	}
	switch m.Name {
	case "SAI_PORT_ATTR_MTU", "SAI_ROUTER_INTERFACE_ATTR_MTU":
		return attrU32(m.Name, 1514)
	case "SAI_PORT_ATTR_PORT_VLAN_ID":
		return attrU32(m.Name, 1)
	case "SAI_SWITCH_ATTR_FDB_AGING_TIME":
		return attrU32(m.Name, uint32(s.ageTime.Seconds()))
	case "SAI_ROUTER_INTERFACE_ATTR_SRC_MAC_ADDRESS", "SAI_VIRTUAL_ROUTER_ATTR_SRC_MAC_ADDRESS":
		return attrMAC(m.Name, s.mac)
	case "SAI_MY_MAC_ATTR_MAC_ADDRESS_MASK":
		return attrMAC(m.Name, [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	case "SAI_ROUTER_INTERFACE_ATTR_ADMIN_V4_STATE", "SAI_ROUTER_INTERFACE_ATTR_ADMIN_V6_STATE",
		"SAI_VIRTUAL_ROUTER_ATTR_ADMIN_V4_STATE", "SAI_VIRTUAL_ROUTER_ATTR_ADMIN_V6_STATE",
		"SAI_HOSTIF_TRAP_GROUP_ATTR_ADMIN_STATE":
		return attrBool(m.Name, true)
	case "SAI_FDB_ENTRY_ATTR_PACKET_ACTION", "SAI_ROUTE_ENTRY_ATTR_PACKET_ACTION", "SAI_NEIGHBOR_ENTRY_ATTR_PACKET_ACTION":
		return attrEnum(m.Name, actForward)
	case "SAI_BRIDGE_PORT_ATTR_FDB_LEARNING_MODE":
		return attrEnum(m.Name, "SAI_BRIDGE_PORT_FDB_LEARNING_MODE_HW")
	}
	return zeroValue(m)
}

// zeroValue is the zero of an attribute's kind (first value of an enum).
func zeroValue(m *sai.AttrMeta) *halv1.Attribute {
	a := &halv1.Attribute{Id: m.Name}
	switch m.Kind {
	case sai.KindBool:
		a.Value = &halv1.Attribute_BoolValue{}
	case sai.KindU32:
		a.Value = &halv1.Attribute_U32{U32: uint32(m.Min)}
	case sai.KindU64:
		a.Value = &halv1.Attribute_U64{}
	case sai.KindS32:
		a.Value = &halv1.Attribute_S32{}
	case sai.KindMAC:
		a.Value = &halv1.Attribute_Mac{Mac: make([]byte, 6)}
	case sai.KindIP:
		a.Value = &halv1.Attribute_Ip{Ip: make([]byte, 4)}
	case sai.KindPrefix:
		a.Value = &halv1.Attribute_Prefix{Prefix: &halv1.IpPrefix{Addr: make([]byte, 4)}}
	case sai.KindOID:
		a.Value = &halv1.Attribute_Oid{}
	case sai.KindOIDList:
		a.Value = &halv1.Attribute_OidList{OidList: &halv1.OidList{}}
	case sai.KindU32List:
		a.Value = &halv1.Attribute_U32List{U32List: &halv1.U32List{}}
	case sai.KindString:
		a.Value = &halv1.Attribute_Str{}
	case sai.KindEnum:
		v := ""
		if len(m.EnumValues) > 0 {
			v = m.EnumValues[0]
		}
		a.Value = &halv1.Attribute_EnumName{EnumName: v}
	}
	return a
}

// list snapshots the objects of type t (UNSPECIFIED: every type, in
// hal/sai's dependency order); within a type oid objects come by id and
// entries by key.
func (s *store) list(t halv1.ObjectType) ([]*halv1.Object, error) {
	var metas []*sai.ObjectMeta
	if t == halv1.ObjectType_OBJECT_TYPE_UNSPECIFIED {
		metas = sai.Objects()
	} else {
		ti := typeOf(t)
		if ti == nil {
			return nil, statusErr(halv1.Status_STATUS_INVALID_OBJECT_TYPE, "unknown object type %d", int32(t))
		}
		metas = []*sai.ObjectMeta{ti.meta}
	}
	byType := map[halv1.ObjectType][]*object{}
	for _, o := range s.objs {
		if t == halv1.ObjectType_OBJECT_TYPE_UNSPECIFIED || o.t() == t {
			byType[o.t()] = append(byType[o.t()], o)
		}
	}
	var out []*halv1.Object
	for _, m := range metas {
		ti := typeOf(m.Type)
		if ti == nil {
			continue
		}
		out = append(out, s.listType(ti, byType[ti.t])...)
	}
	return out, nil
}

// listType lists one type: entries from their maps, oid objects (given).
func (s *store) listType(ti *typeInfo, objs []*object) []*halv1.Object {
	var less func(i, j int) bool
	switch ti.t {
	case tFDB:
		for _, e := range s.fdb {
			objs = append(objs, &e.object)
		}
		less = func(i, j int) bool {
			a, b := objs[i].ek.(fdbKey), objs[j].ek.(fdbKey)
			if a.bv != b.bv {
				return a.bv < b.bv
			}
			return bytes.Compare(a.mac[:], b.mac[:]) < 0
		}
	case tRoute:
		for _, e := range s.routes {
			objs = append(objs, &e.object)
		}
		less = func(i, j int) bool {
			a, b := objs[i].ek.(routeKey), objs[j].ek.(routeKey)
			if a.vr != b.vr {
				return a.vr < b.vr
			}
			if c := a.prefix.Addr().Compare(b.prefix.Addr()); c != 0 {
				return c < 0
			}
			return a.prefix.Bits() < b.prefix.Bits()
		}
	case tNeighbor:
		for _, e := range s.neighs {
			objs = append(objs, &e.object)
		}
		less = func(i, j int) bool {
			a, b := objs[i].ek.(neighKey), objs[j].ek.(neighKey)
			if a.rif != b.rif {
				return a.rif < b.rif
			}
			return a.ip.Less(b.ip)
		}
	default:
		less = func(i, j int) bool { return objs[i].oid < objs[j].oid }
	}
	sort.Slice(objs, less)
	out := make([]*halv1.Object, len(objs))
	for i, o := range objs {
		out[i] = &halv1.Object{Key: o.objectKey(), Attrs: s.held(o)}
	}
	return out
}
