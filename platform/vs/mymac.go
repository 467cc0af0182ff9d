package vs

// myMACMatch is what one MY_MAC entry matches: the destination MAC under
// the mask, the VLAN (0 = any) and the port or LAG (0 = any).
type myMACMatch struct {
	mask [6]byte
	mac  [6]byte
	vlan uint16
	port uint64
}

var allOnes = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// myMACTable is the derived MY_MAC lookup. exact holds every entry by its
// exact (mac, mask, vlan, port) tuple, which is both the duplicate check
// and, for the usual all-ones mask, the match itself. Entries with another
// mask are also counted in masked under their masked MAC (two may differ
// only in bits the mask hides), and their masks are tried in turn.
type myMACTable struct {
	exact  map[myMACMatch]uint64 // → the entry's oid
	masked map[myMACMatch]int32
	masks  map[[6]byte]int32
	order  [][6]byte // the keys of masks, for iteration without ranging a map
}

func newMyMACTable() myMACTable {
	return myMACTable{exact: map[myMACMatch]uint64{}, masked: map[myMACMatch]int32{}, masks: map[[6]byte]int32{}}
}

func maskMAC(mac, mask [6]byte) [6]byte {
	for i := range mac {
		mac[i] &= mask[i]
	}
	return mac
}

// dupKey is the exact tuple of an entry: two entries with the same one
// are duplicates.
func dupKey(mac, mask [6]byte, vlan uint16, port uint64) myMACMatch {
	return myMACMatch{mask: mask, mac: mac, vlan: vlan, port: port}
}

func (t *myMACTable) add(mac, mask [6]byte, vlan uint16, port uint64, oid uint64) {
	t.exact[dupKey(mac, mask, vlan, port)] = oid
	if mask == allOnes {
		return
	}
	t.masked[myMACMatch{mask: mask, mac: maskMAC(mac, mask), vlan: vlan, port: port}]++
	n := t.masks[mask] + 1
	t.masks[mask] = n
	if n == 1 {
		t.order = append(t.order, mask)
	}
}

func (t *myMACTable) remove(mac, mask [6]byte, vlan uint16, port uint64) {
	delete(t.exact, dupKey(mac, mask, vlan, port))
	if mask == allOnes {
		return
	}
	k := myMACMatch{mask: mask, mac: maskMAC(mac, mask), vlan: vlan, port: port}
	if t.masked[k]--; t.masked[k] <= 0 {
		delete(t.masked, k)
	}
	if t.masks[mask]--; t.masks[mask] <= 0 {
		delete(t.masks, mask)
		for i, m := range t.order {
			if m == mask {
				t.order = append(t.order[:i:i], t.order[i+1:]...)
				break
			}
		}
	}
}

// lookup reports whether da on VLAN vid (0 on a routed port) arriving on
// port (and LAG, 0 when none) hits an entry.
func (t *myMACTable) lookup(da [6]byte, vid uint16, port, lagOID uint64) bool {
	if len(t.exact) == 0 {
		return false
	}
	vlans := [2]uint16{0, vid}
	nv := 2
	if vid == 0 {
		nv = 1
	}
	ports := [3]uint64{0, port, lagOID}
	np := 3
	if lagOID == 0 {
		np = 2
	}
	k := myMACMatch{mask: allOnes, mac: da}
	for _, v := range vlans[:nv] {
		k.vlan = v
		for _, p := range ports[:np] {
			k.port = p
			if _, ok := t.exact[k]; ok {
				return true
			}
		}
	}
	for _, mask := range t.order {
		k := myMACMatch{mask: mask, mac: maskMAC(da, mask)}
		for _, v := range vlans[:nv] {
			k.vlan = v
			for _, p := range ports[:np] {
				k.port = p
				if t.masked[k] > 0 {
					return true
				}
			}
		}
	}
	return false
}
