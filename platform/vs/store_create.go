package vs

import (
	"net/netip"

	"github.com/vltgw/vltgw/hal/sai"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// indexAttrs validates a create's attributes with hal/sai and places them
// by position; every object id they carry must exist with an allowed type.
func (s *store) indexAttrs(ti *typeInfo, attrs []*halv1.Attribute) ([]*halv1.Attribute, error) {
	if err := sai.ValidateCreate(ti.t, attrs); err != nil {
		return nil, err
	}
	out := make([]*halv1.Attribute, len(ti.meta.Attrs))
	for _, a := range attrs {
		i := ti.index[a.GetId()]
		if err := s.checkRefs(ti.meta.Attrs[i], a); err != nil {
			return nil, err
		}
		out[i] = a
	}
	return out, nil
}

// createObject creates an object-id object; the platform allocates its id.
func (s *store) createObject(ti *typeInfo, k *halv1.ObjectKey, attrs []*halv1.Attribute) (uint64, error) {
	switch x := k.GetKey().(type) {
	case nil:
	case *halv1.ObjectKey_Oid:
		if x.Oid != 0 {
			return 0, statusErr(halv1.Status_STATUS_INVALID_PARAMETER, "%s: create with object id %s; the platform allocates ids (leave it 0)", ti.meta.Name, sai.FormatOID(x.Oid))
		}
	default:
		return 0, statusErr(halv1.Status_STATUS_INVALID_PARAMETER, "%s is keyed by an object id, not an entry", ti.meta.Name)
	}
	switch ti.t {
	case tSwitch:
		return 0, statusErr(halv1.Status_STATUS_ITEM_ALREADY_EXISTS, "the platform has one switch, %s", sai.FormatOID(s.switchOID))
	case tPort:
		return 0, statusErr(halv1.Status_STATUS_NOT_SUPPORTED, "ports come from the platform configuration; create is not supported")
	}
	vals, err := s.indexAttrs(ti, attrs)
	if err != nil {
		return 0, err
	}
	o := &object{ti: ti, attrs: vals}
	if err := s.checkCreate(o); err != nil {
		return 0, err
	}
	if err := s.full(ti.t); err != nil {
		return 0, err
	}
	s.next++
	o.oid = rid(ti.t, s.next)
	s.insert(o)
	return o.oid, nil
}

// insert adds a validated object: id maps, count, references, derived tables.
func (s *store) insert(o *object) {
	if o.oid != 0 {
		s.objs[o.oid] = o
	}
	s.count[o.t()]++
	s.ref(o)
	s.indexAdd(o)
}

// createEntry creates an FDB, route or neighbour entry.
func (s *store) createEntry(ti *typeInfo, k *halv1.ObjectKey, attrs []*halv1.Attribute) error {
	ek, err := s.parseEntryKey(ti, k, true)
	if err != nil {
		return err
	}
	vals, err := s.indexAttrs(ti, attrs)
	if err != nil {
		return err
	}
	switch ek := ek.(type) {
	case fdbKey:
		old, exists := s.fdb[ek]
		if exists && !old.learned {
			return statusErr(halv1.Status_STATUS_ITEM_ALREADY_EXISTS, "%s %s already exists", ti.meta.Name, describeKey(k))
		}
		e := &fdbEntry{object: object{ti: ti, key: s.canonicalKey(k), attrs: vals, ek: ek}, k: ek, vid: s.vlans[ek.bv].vid}
		if err := s.checkFDB(&e.object); err != nil {
			return err
		}
		if exists {
			// A create over a learned entry takes it over.
			s.deleteObject(&old.object)
		} else if err := s.full(tFDB); err != nil {
			return err
		}
		e.lastSeen.Store(s.now().UnixNano())
		s.fdb[ek] = e
		s.insert(&e.object)
	case routeKey:
		if _, ok := s.routes[ek]; ok {
			return statusErr(halv1.Status_STATUS_ITEM_ALREADY_EXISTS, "%s %s already exists", ti.meta.Name, describeKey(k))
		}
		if err := s.full(tRoute); err != nil {
			return err
		}
		e := &routeEntry{object: object{ti: ti, key: s.canonicalKey(k), attrs: vals, ek: ek}, k: ek}
		s.routes[ek] = e
		s.insert(&e.object)
	case neighKey:
		if _, ok := s.neighs[ek]; ok {
			return statusErr(halv1.Status_STATUS_ITEM_ALREADY_EXISTS, "%s %s already exists", ti.meta.Name, describeKey(k))
		}
		if err := s.full(tNeighbor); err != nil {
			return err
		}
		e := &neighEntry{object: object{ti: ti, key: s.canonicalKey(k), attrs: vals, ek: ek}, k: ek}
		s.neighs[ek] = e
		s.insert(&e.object)
	}
	return nil
}

// canonicalKey copies an entry key with the switch id the platform's
// (callers may send 0) so Get and List return one form.
func (s *store) canonicalKey(k *halv1.ObjectKey) *halv1.ObjectKey {
	out := &halv1.ObjectKey{Type: k.GetType()}
	switch x := k.GetKey().(type) {
	case *halv1.ObjectKey_FdbEntry:
		out.Key = &halv1.ObjectKey_FdbEntry{FdbEntry: &halv1.FdbEntry{
			SwitchId: s.switchOID, Mac: x.FdbEntry.GetMac(), BvId: x.FdbEntry.GetBvId()}}
	case *halv1.ObjectKey_RouteEntry:
		out.Key = &halv1.ObjectKey_RouteEntry{RouteEntry: &halv1.RouteEntry{
			SwitchId: s.switchOID, VrId: x.RouteEntry.GetVrId(),
			Destination: &halv1.IpPrefix{Addr: x.RouteEntry.GetDestination().GetAddr(), PrefixLen: x.RouteEntry.GetDestination().GetPrefixLen()}}}
	case *halv1.ObjectKey_NeighborEntry:
		out.Key = &halv1.ObjectKey_NeighborEntry{NeighborEntry: &halv1.NeighborEntry{
			SwitchId: s.switchOID, RifId: x.NeighborEntry.GetRifId(), IpAddress: x.NeighborEntry.GetIpAddress()}}
	}
	return out
}

// parseEntryKey validates an entry key (switch id, MAC/IP sizes, the
// referenced VLAN, VR or RIF) and returns its map key. With forCreate the
// key's object references must exist.
func (s *store) parseEntryKey(ti *typeInfo, k *halv1.ObjectKey, forCreate bool) (any, error) {
	bad := func(format string, a ...any) error {
		return statusErr(halv1.Status_STATUS_INVALID_PARAMETER, ti.meta.Name+" key: "+format, a...)
	}
	ref := func(what string, v uint64, want halv1.ObjectType) error {
		o, ok := s.objs[v]
		if !ok {
			return statusErr(halv1.Status_STATUS_INVALID_OBJECT_ID, "%s key: %s %s does not exist", ti.meta.Name, what, sai.FormatOID(v))
		}
		if o.t() != want {
			return statusErr(halv1.Status_STATUS_INVALID_OBJECT_ID, "%s key: %s %s is a %s, not a %s", ti.meta.Name, what, sai.FormatOID(v), o.ti.meta.Name, sai.TypeName(want))
		}
		return nil
	}
	sw := func(id uint64) error {
		if id != 0 && id != s.switchOID {
			return statusErr(halv1.Status_STATUS_INVALID_OBJECT_ID, "%s key: switch_id %s is not this switch (%s)", ti.meta.Name, sai.FormatOID(id), sai.FormatOID(s.switchOID))
		}
		return nil
	}
	switch ti.t {
	case tFDB:
		x, ok := k.GetKey().(*halv1.ObjectKey_FdbEntry)
		if !ok || x.FdbEntry == nil {
			return nil, bad("want an fdb_entry")
		}
		e := x.FdbEntry
		if len(e.GetMac()) != 6 {
			return nil, bad("mac has %d octets, want 6", len(e.GetMac()))
		}
		if err := sw(e.GetSwitchId()); err != nil {
			return nil, err
		}
		if forCreate {
			if err := ref("bv_id", e.GetBvId(), tVLAN); err != nil {
				return nil, err
			}
		}
		return fdbKey{bv: e.GetBvId(), mac: [6]byte(e.GetMac())}, nil
	case tRoute:
		x, ok := k.GetKey().(*halv1.ObjectKey_RouteEntry)
		if !ok || x.RouteEntry == nil {
			return nil, bad("want a route_entry")
		}
		e := x.RouteEntry
		addr, ok := netip.AddrFromSlice(e.GetDestination().GetAddr())
		if !ok {
			return nil, bad("destination has %d octets, want 4 or 16", len(e.GetDestination().GetAddr()))
		}
		n := int(e.GetDestination().GetPrefixLen())
		if n > addr.BitLen() {
			return nil, bad("prefix length %d longer than %d", n, addr.BitLen())
		}
		p := netip.PrefixFrom(addr, n)
		if p.Masked() != p {
			return nil, bad("destination %s has host bits set (the network is %s)", p, p.Masked())
		}
		if err := sw(e.GetSwitchId()); err != nil {
			return nil, err
		}
		if forCreate {
			if err := ref("vr_id", e.GetVrId(), tVR); err != nil {
				return nil, err
			}
		}
		return routeKey{vr: e.GetVrId(), prefix: p}, nil
	case tNeighbor:
		x, ok := k.GetKey().(*halv1.ObjectKey_NeighborEntry)
		if !ok || x.NeighborEntry == nil {
			return nil, bad("want a neighbor_entry")
		}
		e := x.NeighborEntry
		ip, ok := netip.AddrFromSlice(e.GetIpAddress())
		if !ok {
			return nil, bad("ip_address has %d octets, want 4 or 16", len(e.GetIpAddress()))
		}
		if err := sw(e.GetSwitchId()); err != nil {
			return nil, err
		}
		if forCreate {
			if err := ref("rif_id", e.GetRifId(), tRIF); err != nil {
				return nil, err
			}
		}
		return neighKey{rif: e.GetRifId(), ip: ip}, nil
	}
	return nil, bad("not an entry type")
}
