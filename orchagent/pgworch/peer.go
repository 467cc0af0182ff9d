package pgworch

import (
	"strconv"
	"strings"
	"time"

	"github.com/vltgw/vltgw/orchagent/proxygw"
)

// Where the VLT peer's oper status comes from (STATE_DB
// VLT_PROXY_GW_TABLE peer_status_source).
const (
	PeerSourcePeerTable = StatePeerTable // STATE_DB VLT_PEER_TABLE oper_status (wins)
	PeerSourceNone      = "none"         // neither: status unknown, routed as up
)

// PeerLinkSource is the peer_status_source of a status derived from the
// peer link's oper status: "peer-link PortChannel1 oper status".
func PeerLinkSource(lag string) string { return "peer-link " + lag + " oper status" }

// peerState is the VLT peer's oper status as the orch sees it.
type peerState struct {
	known, up bool
	source    string
}

func (s peerState) String() string {
	switch {
	case !s.known:
		return "unknown"
	case s.up:
		return "up"
	}
	return "down"
}

// peerStatus decides the VLT peer's oper status of a domain: the VLT
// daemon's oper_status (STATE_DB VLT_PEER_TABLE) when it publishes one;
// else the oper status of the domain's peer link (a LAG that does not
// exist counts as down: the VLTi is not there); else unknown.
func (p *Orch) peerStatus(id int) peerState {
	if pe, ok := p.peers[id]; ok && pe.hasStatus {
		return peerState{known: true, up: pe.up, source: PeerSourcePeerTable}
	}
	if d := p.domains[id]; d != nil && d.peerLink != "" && p.env.Ports != nil {
		pi, ok := p.env.Ports.Port(d.peerLink)
		return peerState{known: true, up: ok && pi.Lag && pi.OperUp, source: PeerLinkSource(d.peerLink)}
	}
	return peerState{source: PeerSourceNone}
}

// refreshPeer feeds the domain's peer-routing timer with the peer status at
// now. The timer keeps its "down since" while the status stays down, even
// when its source changes (VLT_PEER_TABLE row deleted, peer link still
// down).
func (p *Orch) refreshPeer(id int, now time.Time) {
	pr := p.routing[id]
	if pr == nil {
		return
	}
	if st := p.peerStatus(id); st.known {
		pr.SetPeer(st.up, now)
	} else {
		p.routing[id] = &proxygw.PeerRouting{Enabled: pr.Enabled, Timeout: pr.Timeout}
	}
}

// peerFields are the peer fields of VLT_PROXY_GW_TABLE|<id>:
// peer_status, peer_status_source and, while the peer-routing timeout
// runs, peer_routing_expires_in (seconds at the time of writing) and
// peer_routing_expires_at (RFC 3339). The deadline goes into the row's
// signature instead of the seconds, so the row is not rewritten every
// second.
func (p *Orch) peerFields(id int, in *proxygw.Intent, now time.Time, f map[string]string) (sig string) {
	st := p.peerStatus(id)
	f["peer_status"], f["peer_status_source"] = st.String(), st.source
	f["peer_routing_expires_in"], f["peer_routing_expires_at"] = "", ""
	if d := in.Domains[id]; d != nil && d.PeerRoutingActive {
		if dl := p.deadline[id]; !dl.IsZero() {
			f["peer_routing_expires_in"] = strconv.Itoa(int(max(dl.Sub(now), 0).Round(time.Second) / time.Second))
			f["peer_routing_expires_at"] = dl.UTC().Format(time.RFC3339)
			return dl.String()
		}
	}
	return ""
}

// isLagName reports a PortChannelN name.
func isLagName(s string) bool {
	n, ok := strings.CutPrefix(s, "PortChannel")
	if !ok || n == "" {
		return false
	}
	_, err := strconv.ParseUint(n, 10, 32)
	return err == nil
}
