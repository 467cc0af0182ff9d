package lldp

import (
	"bytes"
	"fmt"
	"net"
)

// MAC is an Ethernet address. A fixed array (not net.HardwareAddr) so that it
// is comparable and can key maps without allocating.
type MAC [6]byte

// ParseMAC parses "aa:bb:cc:dd:ee:ff" (or any 6-octet form net.ParseMAC
// accepts). It does not judge validity as a router MAC; see Usable.
func ParseMAC(s string) (MAC, error) {
	hw, err := net.ParseMAC(s)
	if err != nil {
		return MAC{}, fmt.Errorf("lldp: parse MAC %q: %w", s, err)
	}
	if len(hw) != 6 {
		return MAC{}, fmt.Errorf("lldp: parse MAC %q: %d octets, want 6", s, len(hw))
	}
	var m MAC
	copy(m[:], hw)
	return m, nil
}

// String formats the MAC as lower-case colon-separated hex, the form used in
// CONFIG_DB / APP_DB / STATE_DB keys.
func (m MAC) String() string {
	const hexdig = "0123456789abcdef"
	var b [17]byte
	for i, o := range m {
		if i > 0 {
			b[3*i-1] = ':'
		}
		b[3*i] = hexdig[o>>4]
		b[3*i+1] = hexdig[o&0xf]
	}
	return string(b[:])
}

// IsZero reports the all-zero address.
func (m MAC) IsZero() bool { return m == MAC{} }

// IsMulticast reports a group address (I/G bit set); broadcast is one too.
func (m MAC) IsMulticast() bool { return m[0]&1 == 1 }

// Usable reports whether m can be a router MAC: unicast and not all-zero
// (spec §3 item 3, §5 "invalid MACs").
func (m MAC) Usable() bool { return !m.IsZero() && !m.IsMulticast() }

func compareMAC(a, b MAC) int { return bytes.Compare(a[:], b[:]) }
