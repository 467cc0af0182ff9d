package orchagent

import "net/netip"

// routeOwners records which row owns each route entry of the default
// virtual router (an interface's IP2ME and subnet routes, a ROUTE_TABLE
// row, the default routes), so two rows never fight over one entry.
type routeOwners map[netip.Prefix]string

// claim gives p to owner; it fails with the current owner when another
// row holds p.
func (r routeOwners) claim(p netip.Prefix, owner string) (string, bool) {
	if cur, ok := r[p]; ok && cur != owner {
		return cur, false
	}
	r[p] = owner
	return owner, true
}

func (r routeOwners) release(p netip.Prefix, owner string) {
	if r[p] == owner {
		delete(r, p)
	}
}

func (r routeOwners) owner(p netip.Prefix) (string, bool) {
	o, ok := r[p]
	return o, ok
}
