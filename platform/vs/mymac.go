package vs

// myMACMatch is what one MY_MAC entry matches: the destination MAC under
// the mask, the VLAN (0 = any) and the port or LAG (0 = any).
type myMACMatch struct {
	mask [6]byte
	mac  [6]byte // already masked
	vlan uint16
	port uint64
}

// myMACTable is the derived MY_MAC lookup: a count per match tuple (two
// entries may differ only in the unmasked bits of their MAC) and the
// distinct masks in use, tried in turn by the pipeline.
type myMACTable struct {
	match map[myMACMatch]int32
	masks map[[6]byte]int32
	order [][6]byte // the keys of masks, for iteration without map ranging
	dup   map[myMACMatch]uint64
}

func newMyMACTable() myMACTable {
	return myMACTable{match: map[myMACMatch]int32{}, masks: map[[6]byte]int32{}, dup: map[myMACMatch]uint64{}}
}

func maskMAC(mac, mask [6]byte) [6]byte {
	for i := range mac {
		mac[i] &= mask[i]
	}
	return mac
}

// dupKey is the exact (mac, mask, vlan, port) tuple of an entry: two
// entries with the same one are duplicates.
func dupKey(mac, mask [6]byte, vlan uint16, port uint64) myMACMatch {
	return myMACMatch{mask: mask, mac: mac, vlan: vlan, port: port}
}

func (t *myMACTable) add(mac, mask [6]byte, vlan uint16, port uint64, oid uint64) {
	t.dup[dupKey(mac, mask, vlan, port)] = oid
	t.match[myMACMatch{mask: mask, mac: maskMAC(mac, mask), vlan: vlan, port: port}]++
	if t.masks[mask]++; t.masks[mask] == 1 {
		t.order = append(t.order, mask)
	}
}

func (t *myMACTable) remove(mac, mask [6]byte, vlan uint16, port uint64) {
	delete(t.dup, dupKey(mac, mask, vlan, port))
	k := myMACMatch{mask: mask, mac: maskMAC(mac, mask), vlan: vlan, port: port}
	if t.match[k]--; t.match[k] <= 0 {
		delete(t.match, k)
	}
	if t.masks[mask]--; t.masks[mask] <= 0 {
		delete(t.masks, mask)
		for i, m := range t.order {
			if m == mask {
				t.order = append(t.order[:i], t.order[i+1:]...)
				break
			}
		}
	}
}

// lookup reports whether da on VLAN vid (0 on a routed port) arriving on
// port (and LAG, 0 when none) hits an entry.
func (t *myMACTable) lookup(da [6]byte, vid uint16, port, lagOID uint64) bool {
	if len(t.match) == 0 {
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
	for _, mask := range t.order {
		k := myMACMatch{mask: mask, mac: maskMAC(da, mask)}
		for _, v := range vlans[:nv] {
			k.vlan = v
			for _, p := range ports[:np] {
				k.port = p
				if t.match[k] > 0 {
					return true
				}
			}
		}
	}
	return false
}
