package cfgmgr

import (
	"fmt"
	"strconv"
	"strings"
)

// Name prefixes of SONiC interfaces.
const (
	ethernetPrefix    = "Ethernet"
	portChannelPrefix = "PortChannel"
	vlanPrefix        = "Vlan"
)

// Default values SONiC's managers apply when a field is absent.
const (
	defaultMTU = "9100"
	minMTU     = 68
	maxMTU     = 9216
	minVLAN    = 1
	maxVLAN    = 4094
)

// numberSuffix parses the decimal suffix of name after prefix, without sign
// or leading zeros (so "Vlan010" and "Vlan10" cannot both name VLAN 10).
func numberSuffix(name, prefix string) (int, bool) {
	s, ok := strings.CutPrefix(name, prefix)
	if !ok || s == "" || len(s) > 9 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// IsEthernet reports whether name is a front-panel port name (EthernetN).
func IsEthernet(name string) bool {
	_, ok := numberSuffix(name, ethernetPrefix)
	return ok
}

// IsPortChannel reports whether name is a LAG name (PortChannelN, N ≤ 9999).
func IsPortChannel(name string) bool {
	n, ok := numberSuffix(name, portChannelPrefix)
	return ok && n <= 9999
}

// ParseVlanName returns N for "VlanN" with N in 1–4094.
func ParseVlanName(name string) (int, error) {
	n, ok := numberSuffix(name, vlanPrefix)
	if !ok {
		return 0, fmt.Errorf("%q is not a VLAN name (VlanN, N = 1-4094 without leading zeros)", name)
	}
	if n < minVLAN || n > maxVLAN {
		return 0, fmt.Errorf("VLAN id %d of %q is outside 1-4094", n, name)
	}
	return n, nil
}

// splitKey splits a CONFIG_DB key into exactly n "|" parts.
func splitKey(key string, n int) ([]string, error) {
	parts := strings.Split(key, "|")
	if len(parts) != n {
		return nil, fmt.Errorf("key %q has %d part(s), want %d", key, len(parts), n)
	}
	for _, p := range parts {
		if p == "" {
			return nil, fmt.Errorf("key %q has an empty part", key)
		}
	}
	return parts, nil
}

// parseMTU checks an mtu field (68–9216) and returns it, or the default.
func parseMTU(f Fields) (string, error) {
	v, ok := f["mtu"]
	if !ok {
		return defaultMTU, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < minMTU || n > maxMTU || strconv.Itoa(n) != v {
		return "", invalid("mtu", "%q is not an MTU in %d-%d", v, minMTU, maxMTU)
	}
	return v, nil
}

// parseAdminStatus checks an admin_status field (up/down) and returns it, or def.
func parseAdminStatus(f Fields, def string) (string, error) {
	v, ok := f["admin_status"]
	if !ok {
		return def, nil
	}
	if v != "up" && v != "down" {
		return "", invalid("admin_status", "%q is not up or down", v)
	}
	return v, nil
}

// nullRow is the field pair of a row with no data.
func nullRow() Fields { return Fields{"NULL": "NULL"} }
