package cfgmgr

// portRole is what a front-panel port is used as. A port has one role.
type portRole int

const (
	roleLAGMember  portRole = iota // PORTCHANNEL_MEMBER|PortChannelN|port
	roleVLANMember                 // VLAN_MEMBER|VlanN|port
	roleRouted                     // INTERFACE|port[|prefix]
)

// roles in precedence order: when no role is applied yet, the first present wins.
var roles = []portRole{roleLAGMember, roleVLANMember, roleRouted}

func (r portRole) String() string {
	switch r {
	case roleLAGMember:
		return "a PortChannel member"
	case roleVLANMember:
		return "a VLAN member"
	default:
		return "a routed interface"
	}
}

// roleRows returns the rows that give port role r.
func roleRows(s *Snapshot, port string, r portRole) []TableKey {
	var table string
	var keys []string
	switch r {
	case roleLAGMember:
		table, keys = TablePortChannelMember, s.ByLast(TablePortChannelMember, port)
	case roleVLANMember:
		table, keys = TableVlanMember, s.ByLast(TableVlanMember, port)
	default:
		table, keys = TableInterface, s.ByFirst(TableInterface, port)
	}
	out := make([]TableKey, len(keys))
	for i, k := range keys {
		out[i] = TableKey{table, k}
	}
	return out
}

// checkRole returns an error when port already has, or is due to get, a role
// other than r: a role with an applied row wins; otherwise the role first in
// precedence order among the configured ones. It costs O(1) unless it
// fails (the per-port counts of the view and the snapshot's key indexes).
func checkRole(v *View, port string, r portRole) error {
	for _, o := range roles {
		if o != r && v.appliedInRole(port, o) > 0 {
			for _, k := range roleRows(v.Snapshot, port, o) {
				if v.Applied(k) {
					return roleError(port, o, k)
				}
			}
		}
	}
	if v.appliedInRole(port, r) > 0 {
		return nil
	}
	for _, o := range roles {
		if o == r {
			return nil
		}
		if roleCount(v.Snapshot, port, o) > 0 {
			return roleError(port, o, roleRows(v.Snapshot, port, o)[0])
		}
	}
	return nil
}

// roleCount returns how many rows give port role r.
func roleCount(s *Snapshot, port string, r portRole) int {
	switch r {
	case roleLAGMember:
		return s.CountByLast(TablePortChannelMember, port)
	case roleVLANMember:
		return s.CountByLast(TableVlanMember, port)
	default:
		return s.CountByFirst(TableInterface, port)
	}
}

func roleError(port string, r portRole, k TableKey) error {
	return invalid(KeyField, "%s is already %s (%s); a port has one role", port, r, k)
}

// roleDependents adds the rows of table that give a port a role when row k
// changes another role of the same port.
func roleDependents(s *Snapshot, k TableKey, mine portRole, add func(TableKey)) {
	port, r, ok := roleOf(k)
	if !ok || r == mine {
		return
	}
	for _, d := range roleRows(s, port, mine) {
		add(d)
	}
}

// roleOf returns the port and role row k gives, if any.
func roleOf(k TableKey) (string, portRole, bool) {
	first, last := keyEnds(k.Key)
	switch k.Table {
	case TablePortChannelMember:
		return last, roleLAGMember, IsEthernet(last)
	case TableVlanMember:
		return last, roleVLANMember, IsEthernet(last)
	case TableInterface:
		return first, roleRouted, IsEthernet(first)
	}
	return "", 0, false
}

// waitFor returns a pending error unless row k is applied.
func waitFor(v *View, field string, k TableKey, what string) error {
	if v.Applied(k) {
		return nil
	}
	if v.Has(k.Table, k.Key) {
		return pending(field, "%s is not applied yet (waiting for %s to be valid)", what, k)
	}
	return pending(field, "%s does not exist (waiting for %s)", what, k)
}

// claim returns an error when another row owns value in a claim index.
func claim(v *View, index, value string, k TableKey, field, what string) error {
	if other, taken := v.claimed(index, value, k); taken {
		return invalid(field, "%s %s is already used by %s", what, value, other)
	}
	return nil
}
