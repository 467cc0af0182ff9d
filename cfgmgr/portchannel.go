package cfgmgr

const indexLagMember = "lag-member-port"

// PortChannelFamily translates PORTCHANNEL|PortChannelN {admin_status, mtu}
// into LAG_TABLE and PORTCHANNEL_MEMBER|PortChannelN|EthernetM into
// LAG_MEMBER_TABLE {status enabled}. A port is a member of one LAG, and a
// LAG member has no other role.
type PortChannelFamily struct{}

func (PortChannelFamily) Tables() []string {
	return []string{TablePortChannel, TablePortChannelMember}
}

func (PortChannelFamily) AppTables() []string { return []string{AppLagTable, AppLagMemberTable} }

func (PortChannelFamily) Indexers() []Indexer {
	return []Indexer{{Name: indexLagMember, Table: TablePortChannelMember, Claim: true,
		Values: func(key string, _ Fields) []string {
			_, last := keyEnds(key)
			return []string{last}
		}}}
}

func (PortChannelFamily) Dependents(s *Snapshot, k TableKey, add func(TableKey)) {
	switch k.Table {
	case TablePortChannel:
		for _, m := range s.ByFirst(TablePortChannelMember, k.Key) {
			add(TableKey{TablePortChannelMember, m})
		}
	case TablePort:
		for _, m := range s.ByLast(TablePortChannelMember, k.Key) {
			add(TableKey{TablePortChannelMember, m})
		}
	default:
		roleDependents(s, k, roleLAGMember, add)
	}
}

func (PortChannelFamily) AppKeys(k TableKey) []AppKey {
	switch k.Table {
	case TablePortChannel:
		if IsPortChannel(k.Key) {
			return []AppKey{appKey(AppLagTable, k.Key)}
		}
	case TablePortChannelMember:
		if p, err := splitKey(k.Key, 2); err == nil && IsPortChannel(p[0]) && IsEthernet(p[1]) {
			return []AppKey{appKey(AppLagMemberTable, p[0], p[1])}
		}
	}
	return nil
}

func (PortChannelFamily) Eval(v *View, k TableKey, f Fields) ([]AppRow, error) {
	if k.Table == TablePortChannel {
		return evalPortChannel(k, f)
	}
	return evalLagMember(v, k)
}

func evalPortChannel(k TableKey, f Fields) ([]AppRow, error) {
	if !IsPortChannel(k.Key) {
		return nil, invalid(KeyField, "%q is not a PortChannel name (PortChannelN, N = 0-9999)", k.Key)
	}
	admin, err := parseAdminStatus(f, "up")
	if err != nil {
		return nil, err
	}
	mtu, err := parseMTU(f)
	if err != nil {
		return nil, err
	}
	return []AppRow{row(appKey(AppLagTable, k.Key), Fields{"admin_status": admin, "mtu": mtu})}, nil
}

func evalLagMember(v *View, k TableKey) ([]AppRow, error) {
	p, err := splitKey(k.Key, 2)
	if err != nil {
		return nil, invalid(KeyField, "%v (want PortChannelN|EthernetM)", err)
	}
	lag, port := p[0], p[1]
	if !IsPortChannel(lag) {
		return nil, invalid(KeyField, "%q is not a PortChannel name (PortChannelN)", lag)
	}
	if !IsEthernet(port) {
		return nil, invalid(KeyField, "%q is not a port name (EthernetN)", port)
	}
	if err := waitFor(v, KeyField, TableKey{TablePortChannel, lag}, "PortChannel "+lag); err != nil {
		return nil, err
	}
	if err := waitFor(v, KeyField, TableKey{TablePort, port}, "port "+port); err != nil {
		return nil, err
	}
	if err := claim(v, indexLagMember, port, k, KeyField, "port"); err != nil {
		return nil, err
	}
	if err := checkRole(v, port, roleLAGMember); err != nil {
		return nil, err
	}
	return []AppRow{row(appKey(AppLagMemberTable, lag, port), Fields{"status": "enabled"})}, nil
}
