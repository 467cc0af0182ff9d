package proxygw

import (
	"fmt"
	"net"
	"strings"
)

// MAC is a 48-bit MAC address.
type MAC [6]byte

// ParseMAC parses a MAC in any of Go's accepted notations.
func ParseMAC(s string) (MAC, error) {
	hw, err := net.ParseMAC(s)
	if err != nil || len(hw) != 6 {
		return MAC{}, fmt.Errorf("%q is not a 6-octet MAC address", s)
	}
	var m MAC
	copy(m[:], hw)
	return m, nil
}

// String renders lower-case colon notation (the CONFIG_DB/STATE_DB form).
func (m MAC) String() string { return net.HardwareAddr(m[:]).String() }

// Upper renders upper-case (the ASIC_DB form).
func (m MAC) Upper() string { return strings.ToUpper(m.String()) }

// IsZero reports the all-zero MAC (unset).
func (m MAC) IsZero() bool { return m == MAC{} }

// IsMulticast reports a group address (broadcast included).
func (m MAC) IsMulticast() bool { return m[0]&1 == 1 }

// UsableRouterMAC reports whether m can be a router MAC: unicast, not zero.
func (m MAC) UsableRouterMAC() error {
	switch {
	case m.IsZero():
		return fmt.Errorf("all-zero MAC")
	case m == MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}:
		return fmt.Errorf("broadcast MAC")
	case m.IsMulticast():
		return fmt.Errorf("multicast MAC")
	}
	return nil
}

// Less orders MACs bytewise.
func (m MAC) Less(o MAC) bool {
	for i := range m {
		if m[i] != o[i] {
			return m[i] < o[i]
		}
	}
	return false
}
