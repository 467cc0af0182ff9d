package vs

import (
	"sort"
)

// The derived lookup tables the pipeline reads. They are kept in step with
// the objects by the store's per-type hooks (index.go), one object at a
// time; nothing is rebuilt wholesale on a write.

// lag is a LAG and its member ports (sorted by port oid, for a stable hash).
type lag struct {
	obj     *object
	members []*port
	bp      *bridgePort
}

// bridgePort is a bridge port of type PORT on a port or a LAG.
type bridgePort struct {
	obj   *object
	ifOID uint64
	port  *port // when on a port
	lag   *lag  // when on a LAG
	vlans map[uint16]*vlanMember
}

func (b *bridgePort) adminUp() bool { return b.obj.boolAttr(aBPAdmin, false) }

func (b *bridgePort) learning() bool {
	m := b.obj.enumAttr(aBPLearn, "")
	return m != learnDisable && m != learnDrop
}

// untaggedVID is the lowest VLAN this bridge port is an untagged member
// of, 0 when none.
func (b *bridgePort) untaggedVID() uint16 {
	var best uint16
	for vid, m := range b.vlans {
		if m.tagging() == tagUntagged && (best == 0 || vid < best) {
			best = vid
		}
	}
	return best
}

// operUp: the port is oper-up, or for a LAG any member is.
func (b *bridgePort) operUp() bool {
	if b.port != nil {
		return b.port.operUp
	}
	if b.lag != nil {
		for _, p := range b.lag.members {
			if p.operUp {
				return true
			}
		}
	}
	return false
}

// vlan is a VLAN with its members; flood lists them by bridge port oid.
type vlan struct {
	obj     *object
	vid     uint16
	members map[uint64]*vlanMember // by bridge port oid
	flood   []*vlanMember
}

func (v *vlan) rebuildFlood() {
	v.flood = v.flood[:0]
	for _, m := range v.members {
		v.flood = append(v.flood, m)
	}
	sort.Slice(v.flood, func(i, j int) bool { return v.flood[i].bp.obj.oid < v.flood[j].bp.obj.oid })
}

type vlanMember struct {
	obj  *object
	vlan *vlan
	bp   *bridgePort
}

func (m *vlanMember) tagging() string { return m.obj.enumAttr(aVMTagging, tagUntagged) }

// rif is a router interface.
type rif struct {
	obj   *object
	kind  string // SAI_ROUTER_INTERFACE_TYPE_*
	vid   uint16 // VLAN RIFs
	ifOID uint64 // PORT RIFs: the port or LAG
	vr    uint64
}

// isoGroup is an isolation group and its members (bridge port or port oids).
type isoGroup struct {
	obj     *object
	members map[uint64]int
}

// tables holds every derived table.
type tables struct {
	ports      map[uint64]*port
	portByName map[string]*port
	portList   []*port // front-panel ports in config order
	cpu        *port
	lags       map[uint64]*lag
	bps        map[uint64]*bridgePort
	bpByIf     map[uint64]*bridgePort // port or LAG oid → its bridge port
	vlans      map[uint64]*vlan
	vlanByVID  [4096]*vlan
	rifs       map[uint64]*rif
	rifByVID   [4096]*rif
	rifByIf    map[uint64]*rif
	isoGroups  map[uint64]*isoGroup
	traps      map[string]*object // HOSTIF_TRAP by trap type
	lpms       map[uint64]*lpm    // by virtual router
	myMACs     myMACTable
	vlanMemIdx map[[2]uint64]*vlanMember // (vlan oid, bridge port oid)
	lagMemOf   map[uint64]uint64         // port oid → LAG_MEMBER oid
	rifPortDup map[uint64]uint64         // port/LAG → PORT RIF oid
	hostifName map[string]uint64
	isoMemIdx  map[[2]uint64]uint64 // (group, object) → member oid
	nhGroups   map[uint64]*nhGroup
	nhgMemIdx  map[[2]uint64]uint64 // (group, next hop) → member oid
}

func newTables() tables {
	return tables{
		ports:      map[uint64]*port{},
		portByName: map[string]*port{},
		lags:       map[uint64]*lag{},
		bps:        map[uint64]*bridgePort{},
		bpByIf:     map[uint64]*bridgePort{},
		vlans:      map[uint64]*vlan{},
		rifs:       map[uint64]*rif{},
		rifByIf:    map[uint64]*rif{},
		isoGroups:  map[uint64]*isoGroup{},
		traps:      map[string]*object{},
		lpms:       map[uint64]*lpm{},
		myMACs:     newMyMACTable(),
		vlanMemIdx: map[[2]uint64]*vlanMember{},
		lagMemOf:   map[uint64]uint64{},
		rifPortDup: map[uint64]uint64{},
		hostifName: map[string]uint64{},
		isoMemIdx:  map[[2]uint64]uint64{},
		nhGroups:   map[uint64]*nhGroup{},
		nhgMemIdx:  map[[2]uint64]uint64{},
	}
}

// trapAction is the action of the HOSTIF_TRAP of a type, "" when none.
func (t *tables) trapAction(trapType string) string {
	o, ok := t.traps[trapType]
	if !ok {
		return ""
	}
	return o.enumAttr(aTrapAction, "")
}
