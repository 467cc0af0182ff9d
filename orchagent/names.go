package orchagent

import (
	"fmt"
	"strconv"
	"strings"
)

// Interface name prefixes (SONiC naming).
const (
	prefixEthernet    = "Ethernet"
	prefixPortChannel = "PortChannel"
	prefixVlan        = "Vlan"
)

// parseVlanName parses "Vlan<1-4094>".
func parseVlanName(name string) (uint16, error) {
	s, ok := strings.CutPrefix(name, prefixVlan)
	if !ok {
		return 0, fmt.Errorf("%q is not a VLAN name (want Vlan<1-4094>)", name)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 4094 || strconv.Itoa(n) != s {
		return 0, fmt.Errorf("%q: VLAN id must be 1-4094", name)
	}
	return uint16(n), nil
}

func isPortName(name string) bool { return hasIndex(name, prefixEthernet) }
func isLagName(name string) bool  { return hasIndex(name, prefixPortChannel) }

func hasIndex(name, prefix string) bool {
	s, ok := strings.CutPrefix(name, prefix)
	if !ok || s == "" {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 32)
	return err == nil
}

// splitKey2 splits "a:b" at the first ':' (the second part may hold more,
// e.g. an IPv6 address).
func splitKey2(key string) (string, string, bool) {
	a, b, ok := strings.Cut(key, ":")
	return a, b, ok && a != "" && b != ""
}
