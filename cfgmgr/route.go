package cfgmgr

import (
	"net/netip"
	"strings"
)

// RouteFamily translates STATIC_ROUTE|[default|]<prefix> {nexthop, ifname,
// blackhole} into ROUTE_TABLE <prefix>. Lists are comma separated; nexthop
// and ifname, when both given, pair up one to one. A next hop without
// ifname is resolved to the router interface whose subnet holds it (the
// route waits until there is one); an ifname without next hop is a
// directly attached route (next hop 0.0.0.0 or ::).
type RouteFamily struct{}

func (RouteFamily) Tables() []string    { return []string{TableStaticRoute} }
func (RouteFamily) AppTables() []string { return []string{AppRouteTable} }
func (RouteFamily) Indexers() []Indexer { return nil }

func (RouteFamily) Dependents(s *Snapshot, k TableKey, add func(TableKey)) {
	if (k.Table != TableVlanInterface && k.Table != TableInterface) || !strings.Contains(k.Key, "|") {
		return
	}
	for _, r := range s.Keys(TableStaticRoute) {
		if f, _ := s.Get(TableStaticRoute, r); f["ifname"] == "" {
			add(TableKey{TableStaticRoute, r})
		}
	}
}

func (RouteFamily) AppKeys(k TableKey) []AppKey {
	pfx, err := parseRouteKey(k.Key)
	if err != nil {
		return nil
	}
	return []AppKey{appKey(AppRouteTable, pfx.String())}
}

func (RouteFamily) Eval(v *View, k TableKey, f Fields) ([]AppRow, error) {
	pfx, err := parseRouteKey(k.Key)
	if err != nil {
		return nil, err
	}
	if vrf := f["nexthop-vrf"]; vrf != "" && vrf != "default" {
		return nil, invalid("nexthop-vrf", "%q: only the default VRF is supported", vrf)
	}
	key := appKey(AppRouteTable, pfx.String())
	blackhole, err := parseBlackhole(f["blackhole"])
	if err != nil {
		return nil, err
	}
	nhs, ifs := splitList(f["nexthop"]), splitList(f["ifname"])
	if blackhole {
		if len(nhs)+len(ifs) > 0 {
			return nil, invalid("blackhole", "a blackhole route has no nexthop or ifname")
		}
		return []AppRow{row(key, Fields{"blackhole": "true"})}, nil
	}
	if len(nhs) == 0 && len(ifs) == 0 {
		return nil, invalid("nexthop", "missing (give nexthop and/or ifname, or blackhole true)")
	}
	if len(nhs) > 0 && len(ifs) > 0 && len(nhs) != len(ifs) {
		return nil, invalid("ifname", "%d interface(s) for %d next hop(s); the lists pair up", len(ifs), len(nhs))
	}
	for _, name := range ifs {
		if !isRouterInterface(name) {
			return nil, invalid("ifname", "%q is not a VlanN, EthernetN or PortChannelN interface", name)
		}
	}
	out, err := nextHops(v, pfx, nhs, ifs)
	if err != nil {
		return nil, err
	}
	return []AppRow{row(key, out)}, nil
}

// nextHops checks and completes the next-hop and interface lists.
func nextHops(v *View, pfx netip.Prefix, nhs, ifs []string) (Fields, error) {
	if len(nhs) == 0 {
		zero := "0.0.0.0"
		if pfx.Addr().Is6() {
			zero = "::"
		}
		for range ifs {
			nhs = append(nhs, zero)
		}
		return Fields{"nexthop": strings.Join(nhs, ","), "ifname": strings.Join(ifs, ",")}, nil
	}
	resolve := len(ifs) == 0
	for i, s := range nhs {
		a, err := ParseHostIP(s)
		if err != nil {
			return nil, invalid("nexthop", "%v", err)
		}
		if a.Is4() != pfx.Addr().Is4() {
			return nil, invalid("nexthop", "%s is not of the family of %s", s, pfx)
		}
		nhs[i] = a.String()
		if resolve {
			name, ok := connectedInterface(v, a)
			if !ok {
				return nil, pending("nexthop", "next hop %s is in no subnet of a router interface (waiting for an INTERFACE or VLAN_INTERFACE address, or give ifname)", a)
			}
			ifs = append(ifs, name)
		}
	}
	return Fields{"nexthop": strings.Join(nhs, ","), "ifname": strings.Join(ifs, ",")}, nil
}

// parseRouteKey accepts "<prefix>" and "default|<prefix>".
func parseRouteKey(key string) (netip.Prefix, error) {
	s := key
	if vrf, rest, ok := strings.Cut(key, "|"); ok {
		if vrf != "default" {
			return netip.Prefix{}, invalid(KeyField, "VRF %q: only the default VRF is supported", vrf)
		}
		s = rest
	}
	pfx, err := ParseRoutePrefix(s)
	if err != nil {
		return netip.Prefix{}, invalid(KeyField, "%v", err)
	}
	return pfx, nil
}

// parseBlackhole accepts "", "true", "false" or a list of one of them.
func parseBlackhole(s string) (bool, error) {
	vals := splitList(s)
	if len(vals) == 0 {
		return false, nil
	}
	for _, v := range vals {
		if v != vals[0] || (v != "true" && v != "false") {
			return false, invalid("blackhole", "%q is not true or false", s)
		}
	}
	return vals[0] == "true", nil
}

func splitList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

func isRouterInterface(name string) bool {
	if IsEthernet(name) || IsPortChannel(name) {
		return true
	}
	_, err := ParseVlanName(name)
	return err == nil
}
