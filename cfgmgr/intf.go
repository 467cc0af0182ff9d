package cfgmgr

import (
	"net/netip"
	"strings"
)

const indexAddress = "interface-address"

// InterfaceFamily translates the router interfaces: VLAN_INTERFACE|VlanN and
// INTERFACE|EthernetN {mac_addr?} into INTF_TABLE <name>, and their address
// rows <table>|<name>|<address/len> into INTF_TABLE <name>:<address/len>
// {scope, family}. An address row waits for its interface row; an address
// is configured on one interface only; a routed port has no other role.
type InterfaceFamily struct{}

func (InterfaceFamily) Tables() []string    { return []string{TableVlanInterface, TableInterface} }
func (InterfaceFamily) AppTables() []string { return []string{AppIntfTable} }

func (InterfaceFamily) Indexers() []Indexer {
	values := func(key string, _ Fields) []string {
		// splitKey(key, 2) without its allocations: called for every
		// interface row several times per change.
		name, addr, ok := strings.Cut(key, "|")
		if !ok || name == "" || addr == "" || strings.Contains(addr, "|") {
			return nil
		}
		pfx, err := netip.ParsePrefix(addr)
		if err != nil {
			return nil
		}
		return []string{pfx.Addr().String()}
	}
	return []Indexer{
		{Name: indexAddress, Table: TableVlanInterface, Claim: true, Values: values},
		{Name: indexAddress, Table: TableInterface, Claim: true, Values: values},
	}
}

func (InterfaceFamily) Dependents(s *Snapshot, k TableKey, add func(TableKey)) {
	addKey := func(table, key string) {
		if s.Has(table, key) {
			add(TableKey{table, key})
		}
	}
	switch k.Table {
	case TableVlan:
		addKey(TableVlanInterface, k.Key)
	case TablePort:
		addKey(TableInterface, k.Key)
	case TableVlanInterface, TableInterface:
		if first, _ := keyEnds(k.Key); first == k.Key {
			for _, a := range s.ByFirst(k.Table, k.Key) {
				add(TableKey{k.Table, a})
			}
		}
	default:
		roleDependents(s, k, roleRouted, add)
	}
}

func (InterfaceFamily) AppKeys(k TableKey) []AppKey {
	name, pfx, isAddr, err := parseIntfKey(k)
	if err != nil {
		return nil
	}
	if !isAddr {
		return []AppKey{appKey(AppIntfTable, name)}
	}
	return []AppKey{appKey(AppIntfTable, name, pfx.String())}
}

func (InterfaceFamily) Eval(v *View, k TableKey, f Fields) ([]AppRow, error) {
	name, pfx, isAddr, err := parseIntfKey(k)
	if err != nil {
		return nil, err
	}
	if isAddr {
		return evalIntfAddr(v, k, name, pfx)
	}
	return evalIntf(v, k, name, f)
}

// parseIntfKey splits an interface or interface-address key and checks the
// interface name against the table.
func parseIntfKey(k TableKey) (name string, pfx netip.Prefix, isAddr bool, err error) {
	first, _ := keyEnds(k.Key)
	name = first
	switch k.Table {
	case TableVlanInterface:
		if _, err := ParseVlanName(name); err != nil {
			return "", pfx, false, invalid(KeyField, "%v", err)
		}
	default:
		if !IsEthernet(name) {
			return "", pfx, false, invalid(KeyField, "%q is not a port name (EthernetN)", name)
		}
	}
	if first == k.Key {
		return name, pfx, false, nil
	}
	p, err := splitKey(k.Key, 2)
	if err != nil {
		return "", pfx, false, invalid(KeyField, "%v (want <interface> or <interface>|<address/len>)", err)
	}
	pfx, err = ParseIfPrefix(p[1])
	if err != nil {
		return "", pfx, false, invalid(KeyField, "%v", err)
	}
	return name, pfx, true, nil
}

func evalIntf(v *View, k TableKey, name string, f Fields) ([]AppRow, error) {
	if k.Table == TableVlanInterface {
		if err := waitFor(v, KeyField, TableKey{TableVlan, name}, "VLAN "+name); err != nil {
			return nil, err
		}
	} else {
		if err := waitFor(v, KeyField, TableKey{TablePort, name}, "port "+name); err != nil {
			return nil, err
		}
		if err := checkRole(v, name, roleRouted); err != nil {
			return nil, err
		}
	}
	if vrf, ok := f["vrf_name"]; ok && vrf != "" && vrf != "default" {
		return nil, invalid("vrf_name", "%q: only the default VRF is supported", vrf)
	}
	out := nullRow()
	if m, ok := f["mac_addr"]; ok {
		mac, err := ParseMAC(m)
		if err != nil {
			return nil, invalid("mac_addr", "%v", err)
		}
		out = Fields{"mac_addr": mac}
	}
	return []AppRow{row(appKey(AppIntfTable, name), out)}, nil
}

func evalIntfAddr(v *View, k TableKey, name string, pfx netip.Prefix) ([]AppRow, error) {
	parent := TableKey{k.Table, name}
	if err := waitFor(v, KeyField, parent, "interface "+name); err != nil {
		return nil, err
	}
	if err := claim(v, indexAddress, pfx.Addr().String(), k, KeyField, "address"); err != nil {
		return nil, err
	}
	scope := "global"
	if pfx.Addr().IsLinkLocalUnicast() && pfx.Addr().Is6() {
		scope = "local"
	}
	return []AppRow{row(appKey(AppIntfTable, name, pfx.String()),
		Fields{"scope": scope, "family": family(pfx.Addr())})}, nil
}

// connectedInterface returns the interface with an applied address whose
// subnet holds a, the longest subnet first.
func connectedInterface(v *View, a netip.Addr) (string, bool) {
	best, bits := "", -1
	for _, table := range []string{TableVlanInterface, TableInterface} {
		for _, key := range v.Keys(table) {
			p, err := splitKey(key, 2)
			if err != nil {
				continue
			}
			pfx, err := netip.ParsePrefix(p[1])
			if err != nil || !pfx.Masked().Contains(a) || pfx.Bits() <= bits {
				continue
			}
			if v.Applied(TableKey{table, key}) {
				best, bits = p[0], pfx.Bits()
			}
		}
	}
	return best, bits >= 0
}
