package cfgmgr

import "strconv"

const indexUntagged = "untagged-port"

// VlanFamily translates VLAN|VlanN {vlanid, admin_status, mtu} into
// VLAN_TABLE and VLAN_MEMBER|VlanN|<port or LAG> {tagging_mode} into
// VLAN_MEMBER_TABLE. A member waits for its VLAN and its port or LAG; a port
// is untagged in one VLAN at most.
type VlanFamily struct{}

func (VlanFamily) Tables() []string    { return []string{TableVlan, TableVlanMember} }
func (VlanFamily) AppTables() []string { return []string{AppVlanTable, AppVlanMemberTable} }

func (VlanFamily) Indexers() []Indexer {
	return []Indexer{{Name: indexUntagged, Table: TableVlanMember, Claim: true,
		Values: func(key string, f Fields) []string {
			if f["tagging_mode"] != "untagged" {
				return nil
			}
			_, last := keyEnds(key)
			return []string{last}
		}}}
}

func (VlanFamily) Dependents(s *Snapshot, k TableKey, add func(TableKey)) {
	switch k.Table {
	case TableVlan:
		for _, m := range s.ByFirst(TableVlanMember, k.Key) {
			add(TableKey{TableVlanMember, m})
		}
	case TablePort, TablePortChannel:
		for _, m := range s.ByLast(TableVlanMember, k.Key) {
			add(TableKey{TableVlanMember, m})
		}
	default:
		roleDependents(s, k, roleVLANMember, add)
	}
}

func (VlanFamily) AppKeys(k TableKey) []AppKey {
	switch k.Table {
	case TableVlan:
		if _, err := ParseVlanName(k.Key); err == nil {
			return []AppKey{appKey(AppVlanTable, k.Key)}
		}
	case TableVlanMember:
		if p, err := splitKey(k.Key, 2); err == nil {
			if _, err := ParseVlanName(p[0]); err == nil && (IsEthernet(p[1]) || IsPortChannel(p[1])) {
				return []AppKey{appKey(AppVlanMemberTable, p[0], p[1])}
			}
		}
	}
	return nil
}

func (VlanFamily) Eval(v *View, k TableKey, f Fields) ([]AppRow, error) {
	if k.Table == TableVlan {
		return evalVlan(k, f)
	}
	return evalVlanMember(v, k, f)
}

func evalVlan(k TableKey, f Fields) ([]AppRow, error) {
	id, err := ParseVlanName(k.Key)
	if err != nil {
		return nil, invalid(KeyField, "%v", err)
	}
	vid, ok := f["vlanid"]
	if !ok {
		return nil, invalid("vlanid", "missing (must be %d)", id)
	}
	if vid != strconv.Itoa(id) {
		return nil, invalid("vlanid", "%q does not match the VLAN name %s (must be %d)", vid, k.Key, id)
	}
	admin, err := parseAdminStatus(f, "up")
	if err != nil {
		return nil, err
	}
	mtu, err := parseMTU(f)
	if err != nil {
		return nil, err
	}
	return []AppRow{row(appKey(AppVlanTable, k.Key), Fields{"admin_status": admin, "mtu": mtu})}, nil
}

func evalVlanMember(v *View, k TableKey, f Fields) ([]AppRow, error) {
	p, err := splitKey(k.Key, 2)
	if err != nil {
		return nil, invalid(KeyField, "%v (want VlanN|<EthernetM or PortChannelM>)", err)
	}
	vlan, port := p[0], p[1]
	if _, err := ParseVlanName(vlan); err != nil {
		return nil, invalid(KeyField, "%v", err)
	}
	var portRow TableKey
	switch {
	case IsEthernet(port):
		portRow = TableKey{TablePort, port}
	case IsPortChannel(port):
		portRow = TableKey{TablePortChannel, port}
	default:
		return nil, invalid(KeyField, "%q is not a port (EthernetN) or PortChannel (PortChannelN)", port)
	}
	mode, ok := f["tagging_mode"]
	if !ok {
		return nil, invalid("tagging_mode", "missing (untagged or tagged)")
	}
	if mode != "untagged" && mode != "tagged" {
		return nil, invalid("tagging_mode", "%q is not untagged or tagged", mode)
	}
	if err := waitFor(v, KeyField, TableKey{TableVlan, vlan}, "VLAN "+vlan); err != nil {
		return nil, err
	}
	if err := waitFor(v, KeyField, portRow, portRow.Table+" "+port); err != nil {
		return nil, err
	}
	if mode == "untagged" {
		if err := claim(v, indexUntagged, port, k, "tagging_mode", "untagged port"); err != nil {
			return nil, err
		}
	}
	if IsEthernet(port) {
		if err := checkRole(v, port, roleVLANMember); err != nil {
			return nil, err
		}
	}
	return []AppRow{row(appKey(AppVlanMemberTable, vlan, port), Fields{"tagging_mode": mode})}, nil
}
