package lldp

import (
	"fmt"
	"slices"
	"time"
)

// Limits and defaults of spec §3 and §5.
const (
	DefaultHelloTime  = 30 * time.Second
	DefaultMultiplier = 4
	MinHelloTime      = 5 * time.Second
	MaxHelloTime      = 180 * time.Second
	MinMultiplier     = 2
	MaxMultiplier     = 10
	// MaxLearnedMACs caps the learned remote MACs of one domain, so a rogue
	// neighbour cannot exhaust the MY_MAC table (spec §5).
	MaxLearnedMACs = 64
	// MaxNeighborsPerPort caps the neighbour entries of one port. The
	// peer-domain link is point to point (one neighbour per member); the cap
	// bounds memory when something floods LLDPDUs with ever new chassis IDs.
	MaxNeighborsPerPort = 8
	// TriggeredTxInterval is the minimum gap before a triggered (not
	// periodic) LLDPDU on a port: at most one per second (spec §5).
	TriggeredTxInterval = time.Second
)

// Config is one VLT domain's proxy-gateway LLDP configuration, assembled by
// the daemon from CONFIG_DB/APP_DB (spec §3). The Agent copies it.
type Config struct {
	// DomainID is the VLT domain (1-1000); used in messages only.
	DomainID int
	// Enabled: the domain has a proxy gateway in lldp mode with a valid
	// peer-domain link. When false the agent sends shutdown LLDPDUs where
	// it was advertising, forgets every neighbour and learns nothing.
	Enabled bool
	// SystemMAC is DEVICE_METADATA|localhost mac: Chassis ID, frame source
	// and always advertised.
	SystemMAC MAC
	// SystemName is DEVICE_METADATA|localhost hostname (System Name TLV).
	SystemName string
	// RouterMACs are our other router MACs (interface mac_addr): advertised
	// and never learned.
	RouterMACs []MAC
	// PeerMAC is our VLT peer's MAC (zero if unknown): never learned, and
	// advertised when TransmitPeerMAC is set.
	PeerMAC         MAC
	TransmitPeerMAC bool
	// Members are the member ports of the peer-domain link (PortChannel).
	Members []string
	// TLVDisabled are ports with VLT_PROXY_GATEWAY_PORT lldp_tlv=disabled:
	// no tx and no rx processing there.
	TLVDisabled []string
	// HelloTime (whole seconds, 5-180 s; 0 = 30 s) and Multiplier (2-10;
	// 0 = 4) from LLDP|GLOBAL. TTL = hello × multiplier.
	HelloTime  time.Duration
	Multiplier int
}

// normalized fills defaults, copies the slices (the caller may reuse its
// own) and validates what the agent needs to run. A disabled config is
// always accepted: it only has to stop things.
func (c Config) normalized() (Config, error) {
	if c.HelloTime == 0 {
		c.HelloTime = DefaultHelloTime
	}
	if c.Multiplier == 0 {
		c.Multiplier = DefaultMultiplier
	}
	c.RouterMACs = slices.Clone(c.RouterMACs)
	c.Members = sortedUnique(c.Members)
	c.TLVDisabled = sortedUnique(c.TLVDisabled)
	if !c.Enabled {
		return c, nil
	}
	switch {
	case !c.SystemMAC.Usable():
		return c, fmt.Errorf("system MAC %s is not a usable unicast address", c.SystemMAC)
	case c.HelloTime < MinHelloTime || c.HelloTime > MaxHelloTime || c.HelloTime%time.Second != 0:
		return c, fmt.Errorf("hello_time %v, want whole seconds in %v..%v", c.HelloTime, MinHelloTime, MaxHelloTime)
	case c.Multiplier < MinMultiplier || c.Multiplier > MaxMultiplier:
		return c, fmt.Errorf("multiplier %d, want %d..%d", c.Multiplier, MinMultiplier, MaxMultiplier)
	case len(c.SystemName) > 255:
		return c, fmt.Errorf("system name of %d octets, want at most 255", len(c.SystemName))
	}
	for _, m := range c.Members {
		if m == "" || len(m) > 255 {
			return c, fmt.Errorf("member port name %q, want 1..255 octets", m)
		}
	}
	return c, nil
}

// ttl is hello × multiplier in seconds, capped at the 16-bit TTL field.
func (c Config) ttl() uint16 {
	return uint16(min(int64(c.HelloTime/time.Second)*int64(c.Multiplier), 65535))
}

// advertisedSet is system MAC ∪ router MACs (∪ peer MAC), deduplicated and
// sorted, at most 16. When more are configured, the system MAC and then the
// peer MAC are kept first (they are the ones remote hosts have in their ARP
// caches after a move); dropped lists what was left out or is unusable.
func (c Config) advertisedSet() (adv, dropped []MAC) {
	if !c.Enabled {
		return nil, nil
	}
	order := []MAC{c.SystemMAC}
	if c.TransmitPeerMAC && !c.PeerMAC.IsZero() {
		order = append(order, c.PeerMAC)
	}
	routers := slices.Clone(c.RouterMACs)
	slices.SortFunc(routers, compareMAC)
	order = append(order, routers...)
	seen := make(map[MAC]bool, len(order))
	for _, m := range order {
		if seen[m] {
			continue
		}
		seen[m] = true
		if m.Usable() && len(adv) < MaxProxyGatewayMACs {
			adv = append(adv, m)
		} else {
			dropped = append(dropped, m)
		}
	}
	slices.SortFunc(adv, compareMAC)
	slices.SortFunc(dropped, compareMAC)
	return adv, dropped
}

func sortedUnique(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}
