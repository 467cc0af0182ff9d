package proxygw

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// MaxVLAN is the highest usable VLAN id.
const MaxVLAN = 4094

// VLANSet is a set of VLAN ids 1–4094 as a bitmap; the zero value is empty.
// Sets are values: copying one copies it.
type VLANSet [64]uint64

// Add adds v (ignored outside 1–4094).
func (s *VLANSet) Add(v uint16) {
	if v >= 1 && v <= MaxVLAN {
		s[v/64] |= 1 << (v % 64)
	}
}

// AddRange adds lo..hi inclusive.
func (s *VLANSet) AddRange(lo, hi uint16) {
	for v := lo; v <= hi && v != 0; v++ {
		s.Add(v)
		if v == MaxVLAN {
			break
		}
	}
}

// Remove removes v.
func (s *VLANSet) Remove(v uint16) {
	if v <= MaxVLAN {
		s[v/64] &^= 1 << (v % 64)
	}
}

// Has reports whether v is in the set.
func (s *VLANSet) Has(v uint16) bool { return v <= MaxVLAN && s[v/64]&(1<<(v%64)) != 0 }

// Len counts the VLANs.
func (s *VLANSet) Len() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

// Empty reports an empty set.
func (s *VLANSet) Empty() bool { return *s == VLANSet{} }

// Union returns s ∪ o.
func (s VLANSet) Union(o VLANSet) VLANSet {
	for i := range s {
		s[i] |= o[i]
	}
	return s
}

// Minus returns s \ o.
func (s VLANSet) Minus(o VLANSet) VLANSet {
	for i := range s {
		s[i] &^= o[i]
	}
	return s
}

// Intersect returns s ∩ o.
func (s VLANSet) Intersect(o VLANSet) VLANSet {
	for i := range s {
		s[i] &= o[i]
	}
	return s
}

// Each calls fn for every VLAN in ascending order.
func (s *VLANSet) Each(fn func(v uint16)) {
	for i, w := range s {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			fn(uint16(i*64 + b))
			w &^= 1 << b
		}
	}
}

// Slice lists the VLANs in ascending order.
func (s *VLANSet) Slice() []uint16 {
	out := make([]uint16, 0, s.Len())
	s.Each(func(v uint16) { out = append(out, v) })
	return out
}

// String renders the compact list form "10,20-30" ("" when empty).
func (s VLANSet) String() string {
	var b strings.Builder
	vs := s.Slice()
	for i := 0; i < len(vs); {
		j := i
		for j+1 < len(vs) && vs[j+1] == vs[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(int(vs[i])))
		if j > i {
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(int(vs[j])))
		}
		i = j + 1
	}
	return b.String()
}

// ParseVLANList parses "10,20-30" (spaces allowed; empty = no VLANs). Every
// VLAN must be within 1–4094 and every range ascending.
func ParseVLANList(s string) (VLANSet, error) {
	var set VLANSet
	s = strings.TrimSpace(s)
	if s == "" {
		return set, nil
	}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := parseVLAN(lo)
		if err != nil {
			return VLANSet{}, fmt.Errorf("VLAN list %q: %w", s, err)
		}
		b := a
		if isRange {
			if b, err = parseVLAN(hi); err != nil {
				return VLANSet{}, fmt.Errorf("VLAN list %q: %w", s, err)
			}
			if b < a {
				return VLANSet{}, fmt.Errorf("VLAN list %q: range %s is descending", s, part)
			}
		}
		set.AddRange(a, b)
	}
	return set, nil
}

func parseVLAN(s string) (uint16, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a VLAN id", s)
	}
	if n < 1 || n > MaxVLAN {
		return 0, fmt.Errorf("VLAN %d outside 1-%d", n, MaxVLAN)
	}
	return uint16(n), nil
}
