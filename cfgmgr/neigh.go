package cfgmgr

import "strings"

// NeighFamily translates static neighbours NEIGH|<VlanN or EthernetN>|<ip>
// {neigh, family} into NEIGH_TABLE <interface>:<ip>. A neighbour waits for
// its router interface.
type NeighFamily struct{}

func (NeighFamily) Tables() []string    { return []string{TableNeigh} }
func (NeighFamily) AppTables() []string { return []string{AppNeighTable} }
func (NeighFamily) Indexers() []Indexer { return nil }

func (NeighFamily) Dependents(s *Snapshot, k TableKey, add func(TableKey)) {
	if (k.Table == TableVlanInterface || k.Table == TableInterface) && !strings.Contains(k.Key, "|") {
		for _, n := range s.ByFirst(TableNeigh, k.Key) {
			add(TableKey{TableNeigh, n})
		}
	}
}

func (NeighFamily) AppKeys(k TableKey) []AppKey {
	ifname, ip, _, err := parseNeighKey(k)
	if err != nil {
		return nil
	}
	return []AppKey{appKey(AppNeighTable, ifname, ip)}
}

func (NeighFamily) Eval(v *View, k TableKey, f Fields) ([]AppRow, error) {
	ifname, ip, intfRow, err := parseNeighKey(k)
	if err != nil {
		return nil, err
	}
	a, _ := ParseHostIP(ip)
	mac, ok := f["neigh"]
	if !ok {
		return nil, invalid("neigh", "missing (the neighbour's MAC address)")
	}
	mac, err = ParseMAC(mac)
	if err != nil {
		return nil, invalid("neigh", "%v", err)
	}
	fam := family(a)
	if given, ok := f["family"]; ok && given != fam {
		return nil, invalid("family", "%q does not match %s (%s)", given, ip, fam)
	}
	if err := waitFor(v, KeyField, intfRow, "router interface "+ifname); err != nil {
		return nil, err
	}
	return []AppRow{row(appKey(AppNeighTable, ifname, ip), Fields{"neigh": mac, "family": fam})}, nil
}

// parseNeighKey returns the interface, the canonical IP and the interface row
// a neighbour needs.
func parseNeighKey(k TableKey) (string, string, TableKey, error) {
	p, err := splitKey(k.Key, 2)
	if err != nil {
		return "", "", TableKey{}, invalid(KeyField, "%v (want <VlanN or EthernetN>|<ip>)", err)
	}
	var intf TableKey
	switch {
	case IsEthernet(p[0]):
		intf = TableKey{TableInterface, p[0]}
	default:
		if _, err := ParseVlanName(p[0]); err != nil {
			return "", "", TableKey{}, invalid(KeyField, "%q is not a VLAN (VlanN) or port (EthernetN)", p[0])
		}
		intf = TableKey{TableVlanInterface, p[0]}
	}
	a, err := ParseHostIP(p[1])
	if err != nil {
		return "", "", TableKey{}, invalid(KeyField, "%v", err)
	}
	return p[0], a.String(), intf, nil
}
