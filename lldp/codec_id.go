package lldp

import (
	"fmt"
	"net/netip"
)

// IANA address families used by the network-address ID subtypes.
const (
	afIPv4 = 1
	afIPv6 = 2
)

// validateID checks a Chassis ID or Port ID value against 802.1AB: subtype
// 1..7 (0 and 8..255 are reserved), 1..255 ID octets, exactly 6 for the MAC
// subtype and a family octet plus an address for the network-address
// subtype. Encoder and decoder share it so that whatever decodes re-encodes.
func validateID(subtype uint8, id string, macSubtype, netSubtype uint8) error {
	switch {
	case subtype == 0 || subtype > 7:
		return fmt.Errorf("reserved subtype %d", subtype)
	case len(id) == 0 || len(id) > 255:
		return fmt.Errorf("subtype %d: %d ID octets, want 1..255", subtype, len(id))
	case subtype == macSubtype && len(id) != 6:
		return fmt.Errorf("MAC subtype %d: %d ID octets, want 6", subtype, len(id))
	case subtype == netSubtype && len(id) < 2:
		return fmt.Errorf("network-address subtype %d: %d ID octets, want >= 2", subtype, len(id))
	}
	return nil
}

func formatID(subtype uint8, id string, macSubtype, netSubtype uint8) string {
	switch {
	case subtype == macSubtype && len(id) == 6:
		var m MAC
		copy(m[:], id)
		return m.String()
	case subtype == netSubtype && len(id) == 5 && id[0] == afIPv4:
		var a [4]byte
		copy(a[:], id[1:])
		return netip.AddrFrom4(a).String()
	case subtype == netSubtype && len(id) == 17 && id[0] == afIPv6:
		var a [16]byte
		copy(a[:], id[1:])
		return netip.AddrFrom16(a).String()
	case printable(id):
		return id
	}
	return hexID(id)
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return len(s) > 0
}

func hexID(s string) string {
	const hexdig = "0123456789abcdef"
	b := make([]byte, 0, 3*len(s))
	for i := 0; i < len(s); i++ {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, hexdig[s[i]>>4], hexdig[s[i]&0xf])
	}
	return string(b)
}
