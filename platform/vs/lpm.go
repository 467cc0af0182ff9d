package vs

import (
	"net/netip"
	"sort"
)

// lpm is one virtual router's routes: a map per prefix length and the
// lengths in use, longest first. Insert and delete touch one map; a lookup
// probes each length in use once.
type lpm struct {
	v4     [33]map[[4]byte]*routeEntry
	v6     [129]map[[16]byte]*routeEntry
	v4lens []int
	v6lens []int
}

func newLPM() *lpm { return &lpm{} }

func (l *lpm) insert(p netip.Prefix, r *routeEntry) {
	n := p.Bits()
	if p.Addr().Is4() {
		if l.v4[n] == nil {
			l.v4[n] = map[[4]byte]*routeEntry{}
		}
		l.v4[n][p.Addr().As4()] = r
		if len(l.v4[n]) == 1 {
			l.v4lens = lensOf(l.v4lens, n, true)
		}
		return
	}
	if l.v6[n] == nil {
		l.v6[n] = map[[16]byte]*routeEntry{}
	}
	l.v6[n][p.Addr().As16()] = r
	if len(l.v6[n]) == 1 {
		l.v6lens = lensOf(l.v6lens, n, true)
	}
}

func (l *lpm) delete(p netip.Prefix) {
	n := p.Bits()
	if p.Addr().Is4() {
		delete(l.v4[n], p.Addr().As4())
		if len(l.v4[n]) == 0 {
			l.v4lens = lensOf(l.v4lens, n, false)
		}
		return
	}
	delete(l.v6[n], p.Addr().As16())
	if len(l.v6[n]) == 0 {
		l.v6lens = lensOf(l.v6lens, n, false)
	}
}

func (l *lpm) empty() bool { return len(l.v4lens) == 0 && len(l.v6lens) == 0 }

// lensOf adds or removes n from a descending list of lengths.
func lensOf(lens []int, n int, add bool) []int {
	out := lens[:0:0]
	for _, x := range lens {
		if x != n {
			out = append(out, x)
		}
	}
	if add {
		out = append(out, n)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(out)))
	return out
}

// lookup returns the longest-prefix match for ip, nil on a miss.
func (l *lpm) lookup(ip netip.Addr) *routeEntry {
	if ip.Is4() {
		a := ip.As4()
		for _, n := range l.v4lens {
			if r, ok := l.v4[n][maskBytes4(a, n)]; ok {
				return r
			}
		}
		return nil
	}
	a := ip.As16()
	for _, n := range l.v6lens {
		if r, ok := l.v6[n][maskBytes16(a, n)]; ok {
			return r
		}
	}
	return nil
}

func maskBytes4(a [4]byte, n int) [4]byte {
	for i := range a {
		a[i] &= byteMask(n - 8*i)
	}
	return a
}

func maskBytes16(a [16]byte, n int) [16]byte {
	for i := range a {
		a[i] &= byteMask(n - 8*i)
	}
	return a
}

// byteMask is the mask of a byte with bits leading bits set (clamped 0–8).
func byteMask(bits int) byte {
	switch {
	case bits <= 0:
		return 0
	case bits >= 8:
		return 0xff
	}
	return ^byte(0xff >> bits)
}
