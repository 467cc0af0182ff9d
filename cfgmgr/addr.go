package cfgmgr

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// ParseMAC parses a unicast, non-zero MAC written as six colon-separated hex
// octets and returns it in lower case.
func ParseMAC(s string) (string, error) {
	if len(s) != 17 || strings.Count(s, ":") != 5 {
		return "", fmt.Errorf("%q is not a MAC address (xx:xx:xx:xx:xx:xx)", s)
	}
	hw, err := net.ParseMAC(s)
	if err != nil || len(hw) != 6 {
		return "", fmt.Errorf("%q is not a MAC address (xx:xx:xx:xx:xx:xx)", s)
	}
	if hw[0]&1 != 0 {
		return "", fmt.Errorf("%s is a multicast or broadcast MAC", s)
	}
	zero := true
	for _, b := range hw {
		zero = zero && b == 0
	}
	if zero {
		return "", fmt.Errorf("%s is the all-zero MAC", s)
	}
	return hw.String(), nil
}

// family returns the SONiC family name of an address.
func family(a netip.Addr) string {
	if a.Is4() {
		return "IPv4"
	}
	return "IPv6"
}

// hostAddr checks an address that names a host or an interface: unicast,
// not unspecified, loopback, IPv4-mapped or zoned.
func hostAddr(a netip.Addr) error {
	switch {
	case a.Zone() != "":
		return fmt.Errorf("%s has a zone", a)
	case a.Is4In6():
		return fmt.Errorf("%s is an IPv4-mapped IPv6 address", a)
	case a.IsUnspecified():
		return fmt.Errorf("%s is the unspecified address", a)
	case a.IsLoopback():
		return fmt.Errorf("%s is a loopback address", a)
	case a.IsMulticast():
		return fmt.Errorf("%s is a multicast address", a)
	case a.Is4() && a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return fmt.Errorf("%s is the broadcast address", a)
	case a.Is4() && a.As4()[0] >= 240:
		return fmt.Errorf("%s is a reserved (class E) address", a)
	}
	return nil
}

// ParseHostIP parses a neighbour or next-hop address.
func ParseHostIP(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("%q is not an IP address", s)
	}
	if err := hostAddr(a); err != nil {
		return netip.Addr{}, err
	}
	return a, nil
}

// ParseIfPrefix parses an interface address "a.b.c.d/len" or "x::y/len": a
// host address with its subnet length. For IPv4 subnets of /30 or wider the
// address may not be the subnet's network or broadcast address.
func ParseIfPrefix(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an address/length prefix", s)
	}
	a := p.Addr()
	if err := hostAddr(a); err != nil {
		return netip.Prefix{}, err
	}
	if a.Is4() && p.Bits() <= 30 {
		if a == p.Masked().Addr() {
			return netip.Prefix{}, fmt.Errorf("%s is the network address of its subnet", s)
		}
		if a == broadcast4(p) {
			return netip.Prefix{}, fmt.Errorf("%s is the broadcast address of its subnet", s)
		}
	}
	if a.Is6() && p.Bits() == 0 {
		return netip.Prefix{}, fmt.Errorf("%s has a zero-length subnet", s)
	}
	if a.Is4() && p.Bits() == 0 {
		return netip.Prefix{}, fmt.Errorf("%s has a zero-length subnet", s)
	}
	return p, nil
}

// ParseRoutePrefix parses a route destination; host bits must be zero.
func ParseRoutePrefix(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not a prefix", s)
	}
	a := p.Addr()
	if a.Zone() != "" || a.Is4In6() {
		return netip.Prefix{}, fmt.Errorf("%q is not a plain IPv4 or IPv6 prefix", s)
	}
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("%s has host bits set (did you mean %s?)", s, p.Masked())
	}
	return p, nil
}

func broadcast4(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	host := 32 - p.Bits()
	for i := 3; i >= 0 && host > 0; i-- {
		n := min(host, 8)
		b[i] |= byte(1<<n - 1)
		host -= n
	}
	return netip.AddrFrom4(b)
}
