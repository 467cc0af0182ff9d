package proxygw

import "sort"

// Mode is how a domain knows the remote MACs.
type Mode int

// Modes (spec §2); ModeNone = no proxy gateway configured.
const (
	ModeNone Mode = iota
	ModeStatic
	ModeLLDP
)

func (m Mode) String() string {
	switch m {
	case ModeStatic:
		return "static"
	case ModeLLDP:
		return "lldp"
	}
	return "none"
}

// Domain is one VLT domain's accepted intent.
type Domain struct {
	ID   int
	Mode Mode
	// Static remote MACs with their own excluded VLANs (static mode).
	Static map[MAC]VLANSet
	// MACs learned by the LLDP agent (lldp mode); they share the peer-domain
	// link's excluded VLANs.
	Learned         map[MAC]bool
	PeerLinkExclude VLANSet
	// Peer routing: route the VLT peer's MAC on every L3 VLAN while
	// PeerRoutingActive (the orch derives it from PeerRouting).
	PeerMAC           MAC
	PeerRoutingActive bool
}

// Intent is everything the desired MY_MAC set depends on.
type Intent struct {
	Domains map[int]*Domain
	L3VLANs VLANSet // VLANs with a VLAN router interface
}

// SourceKind says why a MAC is wanted.
type SourceKind int

// Source kinds.
const (
	SourceStatic SourceKind = iota
	SourceLLDP
	SourcePeerRouting
)

func (k SourceKind) String() string {
	return [...]string{"static", "lldp", "peer-routing"}[k]
}

// Source is one reason for a MAC to be installed; a MAC can have several
// (two domains, or static and peer routing), and stays while any remains.
type Source struct {
	Domain  int
	Kind    SourceKind
	Exclude VLANSet
}

// Desired is the wanted set: per MAC, the VLANs to hold a MY_MAC entry on.
type Desired map[MAC]VLANSet

// Entries counts the (mac, vlan) entries.
func (d Desired) Entries() int {
	n := 0
	for _, s := range d {
		n += s.Len()
	}
	return n
}

// Sources lists, per MAC, why it is wanted; Desired(in) is derived from it.
func Sources(in *Intent) map[MAC][]Source {
	out := map[MAC][]Source{}
	ids := make([]int, 0, len(in.Domains))
	for id := range in.Domains {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	for _, id := range ids {
		d := in.Domains[id]
		switch d.Mode {
		case ModeStatic:
			for m, ex := range d.Static {
				out[m] = append(out[m], Source{Domain: id, Kind: SourceStatic, Exclude: ex})
			}
		case ModeLLDP:
			for m, ok := range d.Learned {
				if ok {
					out[m] = append(out[m], Source{Domain: id, Kind: SourceLLDP, Exclude: d.PeerLinkExclude})
				}
			}
		}
		if d.PeerRoutingActive && !d.PeerMAC.IsZero() {
			out[d.PeerMAC] = append(out[d.PeerMAC], Source{Domain: id, Kind: SourcePeerRouting})
		}
	}
	return out
}

// ComputeDesired returns, for every wanted MAC, the L3 VLANs not excluded
// by at least one of its sources (spec §4).
func ComputeDesired(in *Intent) Desired {
	out := Desired{}
	for m, srcs := range Sources(in) {
		var s VLANSet
		for _, src := range srcs {
			s = s.Union(in.L3VLANs.Minus(src.Exclude))
		}
		if !s.Empty() {
			out[m] = s
		}
	}
	return out
}
