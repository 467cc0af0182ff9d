package pgworch

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vltgw/vltgw/orchagent"
	"github.com/vltgw/vltgw/orchagent/proxygw"
)

// rowError names the row and, when there is one, the field.
func rowError(t *orchagent.Task, field string, err error) orchagent.Result {
	if field == "" {
		return orchagent.Invalid("%s: %v", t.Name(), err)
	}
	return orchagent.Invalid("%s: field %s: %v", t.Name(), field, err)
}

func parseDomainID(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 1000 || strconv.Itoa(n) != s {
		return 0, fmt.Errorf("domain id %q is not a number 1-1000", s)
	}
	return n, nil
}

func parseBool(s string) (bool, error) {
	switch s {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, fmt.Errorf("%q is not true or false", s)
}

// parseRouterMAC parses a MAC usable as a router MAC that is not ours.
func (p *Orch) parseRouterMAC(s string) (proxygw.MAC, error) {
	m, err := proxygw.ParseMAC(s)
	if err == nil {
		err = m.UsableRouterMAC()
	}
	if err == nil && m == p.own && !p.own.IsZero() {
		err = fmt.Errorf("%s is this switch's own MAC", m)
	}
	if err != nil {
		return proxygw.MAC{}, fmt.Errorf("bad MAC %q: %w", s, err)
	}
	return m, nil
}

func (p *Orch) syncDomain(t *orchagent.Task) orchagent.Result {
	id, err := parseDomainID(t.Key)
	if err != nil {
		if t.Op == orchagent.OpDel {
			return orchagent.Applied()
		}
		return rowError(t, "", err)
	}
	if t.Op == orchagent.OpDel {
		delete(p.domains, id)
		delete(p.routing, id)
		return orchagent.Applied()
	}
	d := &domainRow{}
	if d.peerRouting, err = parseBool(t.Fields["peer_routing"]); err != nil {
		return rowError(t, "peer_routing", err)
	}
	if v := t.Fields["peer_routing_timeout"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 65535 {
			return rowError(t, "peer_routing_timeout", fmt.Errorf("%q is not a number of seconds 0-65535", v))
		}
		d.timeout = time.Duration(n) * time.Second
	}
	if v := t.Fields["peer_mac"]; v != "" {
		if d.peerMAC, err = p.parseRouterMAC(v); err != nil {
			return rowError(t, "peer_mac", err)
		}
	}
	if d.peerLink = t.Fields["peer_link"]; d.peerLink != "" && !isLagName(d.peerLink) {
		return rowError(t, "peer_link", fmt.Errorf("%q is not a PortChannelN name", d.peerLink))
	}
	p.domains[id] = d
	pr := p.routing[id]
	if pr == nil {
		pr = &proxygw.PeerRouting{}
		p.routing[id] = pr
	}
	pr.Enabled, pr.Timeout = d.peerRouting, d.timeout
	p.refreshPeer(id, p.env.Clock.Now())
	return orchagent.Applied()
}

func (p *Orch) syncProxyGW(t *orchagent.Task) orchagent.Result {
	id, err := parseDomainID(t.Key)
	if err != nil {
		if t.Op == orchagent.OpDel {
			return orchagent.Applied()
		}
		return rowError(t, "", err)
	}
	if t.Op == orchagent.OpDel {
		delete(p.pgs, id)
		return orchagent.Applied()
	}
	g := &pgRow{peerLink: t.Fields["peer_domain_link"]}
	switch m := t.Fields["mode"]; m {
	case "static":
		g.mode = proxygw.ModeStatic
	case "lldp":
		g.mode = proxygw.ModeLLDP
	default:
		return rowError(t, "mode", fmt.Errorf("%q is not lldp or static", m))
	}
	if g.exclude, err = proxygw.ParseVLANList(t.Fields["exclude_vlans"]); err != nil {
		return rowError(t, "exclude_vlans", err)
	}
	if _, err := parseBool(t.Fields["vlt_peer_mac_transmit"]); err != nil {
		return rowError(t, "vlt_peer_mac_transmit", err)
	}
	p.pgs[id] = g
	return orchagent.Applied()
}

// splitMACKey splits "<id>:<mac>" (the MAC holds the separator).
func (p *Orch) splitMACKey(t *orchagent.Task) (int, proxygw.MAC, orchagent.Result, bool) {
	idStr, macStr, ok := strings.Cut(t.Key, ":")
	if !ok {
		return 0, proxygw.MAC{}, rowError(t, "", fmt.Errorf("key %q: want <domain id>:<mac>", t.Key)), false
	}
	id, err := parseDomainID(idStr)
	if err != nil {
		return 0, proxygw.MAC{}, rowError(t, "", fmt.Errorf("key %q: %w", t.Key, err)), false
	}
	m, err := p.parseRouterMAC(macStr)
	if err != nil {
		return 0, proxygw.MAC{}, rowError(t, "mac", fmt.Errorf("key %q: %w", t.Key, err)), false
	}
	return id, m, orchagent.Result{}, true
}

func (p *Orch) syncRemoteMAC(t *orchagent.Task) orchagent.Result {
	id, m, bad, ok := p.splitMACKey(t)
	if !ok {
		if t.Op == orchagent.OpDel {
			return orchagent.Applied()
		}
		return bad
	}
	if t.Op == orchagent.OpDel {
		delete(p.remote[id], m)
		return orchagent.Applied()
	}
	ex, err := proxygw.ParseVLANList(t.Fields["exclude_vlans"])
	if err != nil {
		return rowError(t, "exclude_vlans", err)
	}
	if p.remote[id] == nil {
		p.remote[id] = map[proxygw.MAC]proxygw.VLANSet{}
	}
	p.remote[id][m] = ex
	return orchagent.Applied()
}

func (p *Orch) syncLearnedMAC(t *orchagent.Task) orchagent.Result {
	id, m, bad, ok := p.splitMACKey(t)
	if !ok {
		if t.Op == orchagent.OpDel {
			return orchagent.Applied()
		}
		return bad
	}
	if t.Op == orchagent.OpDel {
		delete(p.learned[id], m)
		return orchagent.Applied()
	}
	if p.learned[id] == nil {
		p.learned[id] = map[proxygw.MAC]learnedRow{}
	}
	p.learned[id][m] = learnedRow{learnedOn: t.Fields["learned_on"], neighbor: t.Fields["neighbor"]}
	return orchagent.Applied()
}

func (p *Orch) syncPeer(t *orchagent.Task) orchagent.Result {
	id, err := parseDomainID(t.Key)
	if err != nil {
		if t.Op == orchagent.OpDel {
			return orchagent.Applied()
		}
		return rowError(t, "", err)
	}
	if t.Op == orchagent.OpDel {
		delete(p.peers, id) // back to the peer link's status, or unknown
		p.refreshPeer(id, p.env.Clock.Now())
		return orchagent.Applied()
	}
	var pe peerRow
	if v := t.Fields["peer_mac"]; v != "" {
		if pe.mac, err = p.parseRouterMAC(v); err != nil {
			return rowError(t, "peer_mac", err)
		}
	}
	switch v := strings.ToLower(t.Fields["oper_status"]); v {
	case "up":
		pe.up, pe.hasStatus = true, true
	case "down":
		pe.hasStatus = true
	case "":
	default:
		return rowError(t, "oper_status", fmt.Errorf("%q is not up or down", t.Fields["oper_status"]))
	}
	p.peers[id] = pe
	p.refreshPeer(id, p.env.Clock.Now())
	return orchagent.Applied()
}

// syncNeighbor follows pgwlldpd's neighbour rows for the expiry of the
// learned MACs. A row that does not parse is ignored (it is reporting
// only).
func (p *Orch) syncNeighbor(t *orchagent.Task) orchagent.Result {
	if t.Op == orchagent.OpDel {
		delete(p.neighbors, t.Key)
		return orchagent.Applied()
	}
	var n neighborRow
	for _, s := range strings.Split(t.Fields["macs"], ",") {
		if m, err := proxygw.ParseMAC(strings.TrimSpace(s)); err == nil {
			n.macs = append(n.macs, m)
		}
	}
	last, err1 := time.Parse(time.RFC3339, t.Fields["last_rx"])
	ttl, err2 := strconv.Atoi(t.Fields["ttl"])
	if err1 == nil && err2 == nil && ttl >= 0 {
		n.expires = last.Add(time.Duration(ttl) * time.Second)
	}
	p.neighbors[t.Key] = n
	return orchagent.Applied()
}

// syncOwnRow follows the STATE_DB rows this orch writes, so that rows left
// by a previous run (or deleted by someone else) are put right: a row it
// did not write is marked stale (the next plan rewrites or deletes it), a
// row of its own deleted behind its back is written again. Its own writes
// coming back change nothing.
func (p *Orch) syncOwnRow(t *orchagent.Task, table string) {
	name := table + "|" + t.Key
	w, mine := p.written[name]
	switch {
	case t.Op == orchagent.OpDel && mine && w.sig != "":
		delete(p.written, name)
		p.requestPlan()
	case t.Op != orchagent.OpDel && !mine:
		p.written[name] = writtenRow{table: table, key: t.Key}
		p.requestPlan()
	}
}

// syncPort checks a VLT_PROXY_GW_PORT_TABLE row. The orch programs nothing
// for it: it consumes the table so the rows are applied in APP_DB, where
// pgwlldpd reads them (a ProducerStateTable row stays staged until a
// consumer pops it).
func syncPort(t *orchagent.Task) orchagent.Result {
	if t.Op == orchagent.OpDel {
		return orchagent.Applied()
	}
	if n, ok := strings.CutPrefix(t.Key, "Ethernet"); !ok || n == "" || strings.Trim(n, "0123456789") != "" {
		return rowError(t, "", fmt.Errorf("key %q is not an EthernetN name", t.Key))
	}
	switch v := t.Fields["lldp_tlv"]; v {
	case "", "enabled", "disabled":
		return orchagent.Applied()
	default:
		return rowError(t, "lldp_tlv", fmt.Errorf("%q is not enabled or disabled", v))
	}
}

// syncLLDPGlobal checks LLDP_GLOBAL_TABLE:global, consumed for pgwlldpd
// like VLT_PROXY_GW_PORT_TABLE.
func syncLLDPGlobal(t *orchagent.Task) orchagent.Result {
	if t.Op == orchagent.OpDel {
		return orchagent.Applied()
	}
	if t.Key != "global" {
		return rowError(t, "", fmt.Errorf("key %q: only \"global\"", t.Key))
	}
	for _, c := range []struct {
		field  string
		lo, hi int
	}{{"hello_time", 5, 180}, {"multiplier", 2, 10}} {
		if v, ok := t.Fields[c.field]; ok && v != "" {
			if n, err := strconv.Atoi(v); err != nil || n < c.lo || n > c.hi {
				return rowError(t, c.field, fmt.Errorf("%q is not a number %d-%d", v, c.lo, c.hi))
			}
		}
	}
	return orchagent.Applied()
}
