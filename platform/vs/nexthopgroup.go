package vs

import (
	"encoding/binary"
	"sort"

	"github.com/vltgw/vltgw/hal/sai"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// ECMP: a route whose NEXT_HOP_ID is a NEXT_HOP_GROUP sends each flow to
// one member, picked by a hash of the flow (source and destination IP,
// protocol, L4 ports) weighted by the members' WEIGHT. The hash is
// deterministic and seeded with the switch MAC: one flow always takes one
// path, different flows spread, and two switches in a row do not make
// the same choice for every flow (hash polarisation). A group without
// members drops (dropped_next_hop_group_empty).

// nhGroup is a NEXT_HOP_GROUP and its members, sorted by member oid so the
// pick is stable whatever order the members were created in.
type nhGroup struct {
	obj     *object
	members []*nhgMember
	total   uint64 // sum of the members' weights
}

// nhgMember is a NEXT_HOP_GROUP_MEMBER: its next hop and weight.
type nhgMember struct {
	obj *object
	nh  uint64
}

func (m *nhgMember) weight() uint64 { return uint64(m.obj.u32Attr(aNHGMWeight, 1)) }

func (g *nhGroup) reweigh() {
	g.total = 0
	for _, m := range g.members {
		g.total += m.weight()
	}
}

// pick returns the member a flow hash selects, nil when the group is empty.
func (g *nhGroup) pick(h uint64) *nhgMember {
	if g.total == 0 {
		return nil
	}
	x := h % g.total
	for _, m := range g.members {
		w := m.weight()
		if x < w {
			return m
		}
		x -= w
	}
	return nil
}

// nhgIndexAdd enters a group or a member into the derived tables.
func (s *store) nhgIndexAdd(o *object) {
	switch o.t() {
	case tNHGroup:
		s.nhGroups[o.oid] = &nhGroup{obj: o}
	case tNHGMember:
		gid, nh := o.oidAttr(aNHGMGroup), o.oidAttr(aNHGMNextHop)
		s.nhgMemIdx[[2]uint64{gid, nh}] = o.oid
		g, ok := s.nhGroups[gid]
		if !ok {
			return
		}
		g.members = append(g.members, &nhgMember{obj: o, nh: nh})
		sort.Slice(g.members, func(i, j int) bool { return g.members[i].obj.oid < g.members[j].obj.oid })
		g.reweigh()
	}
}

// nhgIndexRemove takes a group or a member out of the derived tables.
func (s *store) nhgIndexRemove(o *object) {
	switch o.t() {
	case tNHGroup:
		delete(s.nhGroups, o.oid)
	case tNHGMember:
		gid, nh := o.oidAttr(aNHGMGroup), o.oidAttr(aNHGMNextHop)
		delete(s.nhgMemIdx, [2]uint64{gid, nh})
		g, ok := s.nhGroups[gid]
		if !ok {
			return
		}
		for i, m := range g.members {
			if m.obj == o {
				g.members = append(g.members[:i:i], g.members[i+1:]...)
				break
			}
		}
		g.reweigh()
	}
}

// nhgIndexSet follows a member's WEIGHT.
func (s *store) nhgIndexSet(o *object, i int) {
	if o.t() != tNHGMember || i != aNHGMWeight {
		return
	}
	if g, ok := s.nhGroups[o.oidAttr(aNHGMGroup)]; ok {
		g.reweigh()
	}
}

// checkNHGMember refuses a second member for the same next hop in a group.
// (Existence and type of the group and the next hop are checked with every
// reference: INVALID_OBJECT_ID.)
func (s *store) checkNHGMember(o *object) error {
	gid, nh := o.oidAttr(aNHGMGroup), o.oidAttr(aNHGMNextHop)
	if m, ok := s.nhgMemIdx[[2]uint64{gid, nh}]; ok {
		return statusErr(halv1.Status_STATUS_ITEM_ALREADY_EXISTS, "%s: next hop %s is already in group %s (%s)",
			o.ti.meta.Name, sai.FormatOID(nh), sai.FormatOID(gid), sai.FormatOID(m))
	}
	return nil
}

// nhgComputed returns a group's read-only NEXT_HOP_COUNT and
// NEXT_HOP_MEMBER_LIST, nil for any other attribute.
func (s *store) nhgComputed(o *object, i int) *halv1.Attribute {
	if o.t() != tNHGroup || (i != aNHGCount && i != aNHGMemberList) {
		return nil
	}
	name := o.ti.meta.Attrs[i].Name
	g := s.nhGroups[o.oid]
	if i == aNHGCount {
		n := 0
		if g != nil {
			n = len(g.members)
		}
		return attrU32(name, uint32(n))
	}
	var ids []uint64
	if g != nil {
		for _, m := range g.members {
			ids = append(ids, m.obj.oid)
		}
	}
	return attrOIDList(name, ids)
}

// IP protocol numbers whose first four payload octets are the ports.
const (
	ipProtoTCP  = 6
	ipProtoUDP  = 17
	ipProtoSCTP = 132
)

// ecmpHash hashes a routed frame's flow: source and destination address,
// protocol and, for TCP/UDP/SCTP, the ports. IPv4 fragments hash without
// ports so every fragment of a datagram takes the same path; IPv6
// extension headers are not walked (ports count only when the first next
// header is TCP/UDP/SCTP). FNV-1a over the fields, seeded, then a final
// avalanche so the low bits the modulo reads are well mixed.
func ecmpHash(f *frame, seed [6]byte) uint64 {
	h := uint64(14695981039346656037)
	mix := func(b []byte) {
		for _, c := range b {
			h ^= uint64(c)
			h *= 1099511628211
		}
	}
	mix(seed[:])
	p := f.payload()
	var proto byte
	var l4 []byte
	switch f.etype {
	case etIPv4:
		if len(p) < 20 {
			break
		}
		ihl := int(p[0]&0xf) * 4
		mix(p[12:20])
		proto = p[9]
		frag := binary.BigEndian.Uint16(p[6:8])
		if frag&0x3fff == 0 && len(p) >= ihl+4 { // not a fragment (MF clear, offset 0)
			l4 = p[ihl:]
		}
	case etIPv6:
		if len(p) < 40 {
			break
		}
		mix(p[8:40])
		proto = p[6]
		l4 = p[40:]
	}
	mix([]byte{proto})
	if (proto == ipProtoTCP || proto == ipProtoUDP || proto == ipProtoSCTP) && len(l4) >= 4 {
		mix(l4[:4])
	}
	// fmix64 (MurmurHash3's finaliser).
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}
