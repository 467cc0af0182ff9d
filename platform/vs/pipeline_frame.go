package vs

import (
	"encoding/binary"
)

// EtherTypes and addresses the pipeline recognises.
const (
	etVLAN = 0x8100
	etIPv4 = 0x0800
	etIPv6 = 0x86dd
	etARP  = 0x0806
	etLLDP = 0x88cc
	etSlow = 0x8809 // LACP and other slow protocols
)

var (
	macLLDP = [6]byte{0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e}
	macSlow = [6]byte{0x01, 0x80, 0xc2, 0x00, 0x00, 0x02}
)

// isReserved: 01:80:C2:00:00:0X, link-local addresses bridges never forward.
func isReserved(m [6]byte) bool {
	return m[0] == 0x01 && m[1] == 0x80 && m[2] == 0xc2 && m[3] == 0 && m[4] == 0 && m[5] <= 0x0f
}

func isMulticast(m [6]byte) bool { return m[0]&1 != 0 }

// frame is a parsed Ethernet frame: addresses, optional 802.1Q tag and
// the body (from the EtherType on) shared by every egress variant.
type frame struct {
	raw    []byte
	dst    [6]byte
	src    [6]byte
	tagged bool
	tci    uint16 // the tag's TCI when tagged
	etype  uint16 // EtherType after the tag
	body   []byte // raw[12:] or raw[16:]: EtherType and payload
}

// parseFrame splits a frame; ok is false for frames too short for their
// headers.
func parseFrame(raw []byte) (f frame, ok bool) {
	if len(raw) < 14 {
		return f, false
	}
	f.raw = raw
	f.dst = [6]byte(raw[0:6])
	f.src = [6]byte(raw[6:12])
	f.etype = binary.BigEndian.Uint16(raw[12:14])
	f.body = raw[12:]
	if f.etype == etVLAN {
		if len(raw) < 18 {
			return f, false
		}
		f.tagged = true
		f.tci = binary.BigEndian.Uint16(raw[14:16])
		f.etype = binary.BigEndian.Uint16(raw[16:18])
		f.body = raw[16:]
	}
	return f, true
}

// vid is the tag's VLAN id (0 when untagged or priority-tagged).
func (f *frame) vid() uint16 {
	if !f.tagged {
		return 0
	}
	return f.tci & 0x0fff
}

// payload is what follows the EtherType.
func (f *frame) payload() []byte { return f.body[2:] }

// build assembles a frame: addresses, a tag when tagged (tci), the body.
func build(dst, src [6]byte, tagged bool, tci uint16, body []byte) []byte {
	n := 12 + len(body)
	if tagged {
		n += 4
	}
	b := make([]byte, 0, n)
	b = append(b, dst[:]...)
	b = append(b, src[:]...)
	if tagged {
		b = binary.BigEndian.AppendUint16(b, etVLAN)
		b = binary.BigEndian.AppendUint16(b, tci)
	}
	return append(b, body...)
}

// variants builds and caches the egress forms of one frame (untagged,
// tagged with a VLAN, priority-tagged), reusing the received bytes when
// the form is unchanged.
type variants struct {
	f        *frame
	dst, src [6]byte
	body     []byte
	vid      uint16
	pcp      uint16
	same     bool // dst/src/body are the received ones
	untagged []byte
	tagged   []byte
	prio     []byte
}

func newVariants(f *frame, dst, src [6]byte, body []byte, vid uint16, same bool) *variants {
	return &variants{f: f, dst: dst, src: src, body: body, vid: vid, pcp: f.tci & 0xe000, same: same}
}

// get returns the frame for a VLAN member's tagging mode.
func (v *variants) get(mode string) []byte {
	switch mode {
	case tagTagged:
		if v.tagged == nil {
			if v.same && v.f.tagged && v.f.vid() == v.vid {
				v.tagged = v.f.raw
			} else {
				v.tagged = build(v.dst, v.src, true, v.pcp|v.vid, v.body)
			}
		}
		return v.tagged
	case tagPriority:
		if v.prio == nil {
			v.prio = build(v.dst, v.src, true, v.pcp, v.body)
		}
		return v.prio
	}
	if v.untagged == nil {
		if v.same && !v.f.tagged {
			v.untagged = v.f.raw
		} else {
			v.untagged = build(v.dst, v.src, false, 0, v.body)
		}
	}
	return v.untagged
}

// flowHash hashes the addresses of a frame (MACs, and IPs when IPv4/IPv6)
// for LAG member selection: FNV-1a.
func flowHash(f *frame) uint32 {
	h := uint32(2166136261)
	mix := func(b []byte) {
		for _, c := range b {
			h ^= uint32(c)
			h *= 16777619
		}
	}
	mix(f.dst[:])
	mix(f.src[:])
	p := f.payload()
	switch f.etype {
	case etIPv4:
		if len(p) >= 20 {
			mix(p[12:20])
		}
	case etIPv6:
		if len(p) >= 40 {
			mix(p[8:40])
		}
	}
	return h
}

// decTTL decrements an IPv4 TTL and patches the header checksum
// incrementally (RFC 1624: HC' = ~(~HC + ~m + m')).
func decTTL(ip []byte) {
	old := binary.BigEndian.Uint16(ip[8:10])
	ip[8]--
	nw := binary.BigEndian.Uint16(ip[8:10])
	sum := uint32(^binary.BigEndian.Uint16(ip[10:12])) + uint32(^old) + uint32(nw)
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	binary.BigEndian.PutUint16(ip[10:12], ^uint16(sum))
}
