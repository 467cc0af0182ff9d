package vlt

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/vltgw/vltgw/orchagent/proxygw"
)

// Config is the read-only view of CONFIG_DB the translator needs.
type Config interface {
	Get(table, key string) (map[string]string, bool)
	Keys(table string) []string // sorted
}

// Row is one APP_DB row to publish.
type Row struct {
	Table, Key string
	Fields     map[string]string
}

// Rejection is one CONFIG_DB row (or deletion) not applied, and why.
type Rejection struct {
	Table, Key, Field, Reason string
}

func (r Rejection) Error() string {
	if r.Field == "" {
		return fmt.Sprintf("%s|%s: %s", r.Table, r.Key, r.Reason)
	}
	return fmt.Sprintf("%s|%s: field %s: %s", r.Table, r.Key, r.Field, r.Reason)
}

// Translator validates the VLT tables. It remembers the peer-domain links
// it accepted, because un-marking an accepted one (rule 6) is refused and
// the link keeps working; and the proxy-gateway mode it accepted, because a
// mode switch is refused while the old mode's rows remain (switching
// static → lldp with remote-MAC rows left would silently withdraw every
// static MAC; the operator deletes them first and the old mode keeps
// routing meanwhile).
type Translator struct {
	acceptedPeerLink map[int]string // domain → PortChannel
	acceptedPG       map[int]acceptedGateway
}

type acceptedGateway struct {
	mode     string
	transmit bool
}

// NewTranslator returns a translator with no history.
func NewTranslator() *Translator {
	return &Translator{acceptedPeerLink: map[int]string{}, acceptedPG: map[int]acceptedGateway{}}
}

var (
	rePortChannel = regexp.MustCompile(`^PortChannel[0-9]{1,4}$`)
	reEthernet    = regexp.MustCompile(`^Ethernet[0-9]{1,4}$`)
)

type domainState struct {
	id          int
	peerRouting bool
	peerMAC     proxygw.MAC
	vltLAGs     map[string]bool
	pgMode      string // accepted proxy-gateway mode, "" when none
}

type run struct {
	cfg  Config
	rows []Row
	rejs []Rejection
}

func (r *run) reject(table, key, field, format string, a ...any) {
	r.rejs = append(r.rejs, Rejection{Table: table, Key: key, Field: field, Reason: fmt.Sprintf(format, a...)})
}

func (r *run) emit(table, key string, fields map[string]string) {
	r.rows = append(r.rows, Row{Table: table, Key: key, Fields: fields})
}

// Translate validates every VLT row of cfg and returns the APP_DB rows of
// the accepted ones and the rejections, both in a deterministic order.
func (t *Translator) Translate(cfg Config) ([]Row, []Rejection) {
	r := &run{cfg: cfg}
	ownMAC := proxygw.MAC{}
	if md, ok := cfg.Get(CfgMetadata, "localhost"); ok {
		if m, err := proxygw.ParseMAC(md["mac"]); err == nil {
			ownMAC = m
		}
	}
	domains := r.domains(ownMAC)
	r.interfaces(domains)
	peerLinks := t.peerLinks(r, domains)
	t.acceptedPG = r.proxyGateways(domains, peerLinks, t.acceptedPG)
	r.remoteMACs(domains, ownMAC)
	r.ports()
	r.lldpGlobal()
	t.acceptedPeerLink = map[int]string{}
	for id, pl := range peerLinks {
		t.acceptedPeerLink[id] = pl.pc
	}
	sort.Slice(r.rows, func(i, j int) bool {
		if r.rows[i].Table != r.rows[j].Table {
			return r.rows[i].Table < r.rows[j].Table
		}
		return r.rows[i].Key < r.rows[j].Key
	})
	return r.rows, r.rejs
}

func parseDomainID(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 1000 || strconv.Itoa(n) != s {
		return 0, fmt.Errorf("domain id %q is not a number 1-1000", s)
	}
	return n, nil
}

func parseBool(s string, def bool) (bool, error) {
	switch s {
	case "":
		return def, nil
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, fmt.Errorf("%q is not true or false", s)
}

func (r *run) domains(own proxygw.MAC) map[int]*domainState {
	out := map[int]*domainState{}
	for _, key := range r.cfg.Keys(CfgDomain) {
		f, _ := r.cfg.Get(CfgDomain, key)
		id, err := parseDomainID(key)
		if err != nil {
			r.reject(CfgDomain, key, "", "%v", err)
			continue
		}
		d := &domainState{id: id, vltLAGs: map[string]bool{}}
		fields := map[string]string{}
		bad := false
		if pl := f["peer_link"]; pl != "" {
			if !rePortChannel.MatchString(pl) {
				r.reject(CfgDomain, key, "peer_link", "%q is not a PortChannelN name", pl)
				bad = true
			}
			fields["peer_link"] = pl
		}
		if d.peerRouting, err = parseBool(f["peer_routing"], false); err != nil {
			r.reject(CfgDomain, key, "peer_routing", "%v", err)
			bad = true
		}
		fields["peer_routing"] = strconv.FormatBool(d.peerRouting)
		timeout := "0"
		if v := f["peer_routing_timeout"]; v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 65535 {
				r.reject(CfgDomain, key, "peer_routing_timeout", "%q is not a number of seconds 0-65535", v)
				bad = true
			}
			timeout = v
		}
		fields["peer_routing_timeout"] = timeout
		if v := f["peer_mac"]; v != "" {
			m, err := proxygw.ParseMAC(v)
			if err == nil {
				err = m.UsableRouterMAC()
			}
			if err == nil && m == own {
				err = fmt.Errorf("it is this switch's own MAC")
			}
			if err != nil {
				r.reject(CfgDomain, key, "peer_mac", "%v", err)
				bad = true
			}
			d.peerMAC = m
			fields["peer_mac"] = m.String()
		}
		if bad {
			continue
		}
		out[id] = d
		r.emit(AppDomain, key, fields)
	}
	return out
}

func (r *run) interfaces(domains map[int]*domainState) {
	for _, key := range r.cfg.Keys(CfgInterface) {
		idStr, pc, ok := strings.Cut(key, "|")
		id, err := parseDomainID(idStr)
		switch {
		case !ok:
			r.reject(CfgInterface, key, "", "key must be <domain id>|<PortChannelN>")
		case err != nil:
			r.reject(CfgInterface, key, "", "%v", err)
		case !rePortChannel.MatchString(pc):
			r.reject(CfgInterface, key, "", "%q is not a PortChannelN name", pc)
		case domains[id] == nil:
			r.reject(CfgInterface, key, "", "VLT domain %d is not configured (or was rejected)", id)
		default:
			domains[id].vltLAGs[pc] = true
			r.emit(AppInterface, idStr+":"+pc, map[string]string{"NULL": "NULL"})
		}
	}
}

type peerLink struct {
	pc      string
	exclude proxygw.VLANSet
}

// peerLinks picks at most one valid peer-domain link per domain (rules 2, 4,
// 6); mode checks (rule 1) happen with the proxy gateway.
func (t *Translator) peerLinks(r *run, domains map[int]*domainState) map[int]peerLink {
	cands := map[int][]string{}
	for _, key := range r.cfg.Keys(CfgPeerLink) {
		idStr, pc, ok := strings.Cut(key, "|")
		id, err := parseDomainID(idStr)
		switch {
		case !ok:
			r.reject(CfgPeerLink, key, "", "key must be <domain id>|<PortChannelN>")
			continue
		case err != nil:
			r.reject(CfgPeerLink, key, "", "%v", err)
			continue
		case !rePortChannel.MatchString(pc):
			r.reject(CfgPeerLink, key, "", "%q is not a PortChannelN name", pc)
			continue
		case domains[id] == nil:
			r.reject(CfgPeerLink, key, "", "VLT domain %d is not configured (or was rejected)", id)
			continue
		}
		cands[id] = append(cands[id], pc)
	}
	out := map[int]peerLink{}
	for id, pcs := range cands {
		// The link accepted before keeps its place; otherwise the first.
		chosen := ""
		for _, pc := range pcs {
			if pc == t.acceptedPeerLink[id] {
				chosen = pc
			}
		}
		for _, pc := range pcs {
			key := strconv.Itoa(id) + "|" + pc
			f, _ := r.cfg.Get(CfgPeerLink, key)
			ex, err := proxygw.ParseVLANList(f["exclude_vlans"])
			if err != nil {
				r.reject(CfgPeerLink, key, "exclude_vlans", "%v", err)
				continue
			}
			if !domains[id].vltLAGs[pc] {
				if t.acceptedPeerLink[id] == pc {
					// Rule 6: the VLT marking was removed under an accepted
					// peer-domain link: refuse the removal, keep both.
					r.reject(CfgInterface, key, "", "cannot remove the VLT marking of %s: it is the proxy-gateway peer-domain link of domain %d; delete %s|%s first", pc, id, CfgPeerLink, key)
					domains[id].vltLAGs[pc] = true
					r.emit(AppInterface, strconv.Itoa(id)+":"+pc, map[string]string{"NULL": "NULL"})
				} else {
					r.reject(CfgPeerLink, key, "", "%s is not a VLT LAG of domain %d (no %s|%s row)", pc, id, CfgInterface, key)
					continue
				}
			}
			if chosen == "" {
				chosen = pc
			}
			if pc != chosen {
				r.reject(CfgPeerLink, key, "", "domain %d already has peer-domain link %s; only one is allowed", id, chosen)
				continue
			}
			out[id] = peerLink{pc: pc, exclude: ex}
		}
	}
	return out
}

// proxyGateways validates the VLT_PROXY_GATEWAY rows against the domains
// and peer links and returns the gateways it accepted (the history of the
// next run).
func (r *run) proxyGateways(domains map[int]*domainState, links map[int]peerLink, prev map[int]acceptedGateway) map[int]acceptedGateway {
	accepted := map[int]acceptedGateway{}
	pgRows := map[int]bool{}
	for _, key := range r.cfg.Keys(CfgProxyGateway) {
		f, _ := r.cfg.Get(CfgProxyGateway, key)
		id, err := parseDomainID(key)
		if err != nil {
			r.reject(CfgProxyGateway, key, "", "%v", err)
			continue
		}
		pgRows[id] = true
		d := domains[id]
		if d == nil {
			r.reject(CfgProxyGateway, key, "", "VLT domain %d is not configured (or was rejected)", id)
			continue
		}
		mode := f["mode"]
		if mode != "lldp" && mode != "static" {
			r.reject(CfgProxyGateway, key, "mode", "%q is not lldp or static", mode)
			continue
		}
		transmit, err := parseBool(f["vlt_peer_mac_transmit"], false)
		if err != nil {
			r.reject(CfgProxyGateway, key, "vlt_peer_mac_transmit", "%v", err)
			continue
		}
		if transmit && mode != "lldp" {
			r.reject(CfgProxyGateway, key, "vlt_peer_mac_transmit", "only valid in lldp mode")
			continue
		}
		if !d.peerRouting {
			r.reject(CfgProxyGateway, key, "peer_routing", "proxy gateway needs peer_routing=true on %s|%d", CfgDomain, id)
			continue
		}
		if old, ok := prev[id]; ok && old.mode != mode {
			if left := r.modeRows(id, old.mode); left != "" {
				r.reject(CfgProxyGateway, key, "mode", "cannot switch domain %d from %s to %s mode while %s rows remain; delete them first (%s mode stays in effect)", id, old.mode, mode, left, old.mode)
				mode, transmit = old.mode, old.transmit
			}
		}
		fields := map[string]string{"mode": mode, "vlt_peer_mac_transmit": strconv.FormatBool(transmit)}
		pl, hasLink := links[id]
		if mode == "lldp" {
			if hasLink {
				fields["peer_domain_link"] = pl.pc
				fields["exclude_vlans"] = pl.exclude.String()
			}
		} else if hasLink {
			r.reject(CfgPeerLink, strconv.Itoa(id)+"|"+pl.pc, "", "domain %d proxy gateway is in static mode; a peer-domain link is lldp-mode configuration", id)
		}
		d.pgMode = mode
		accepted[id] = acceptedGateway{mode: mode, transmit: transmit}
		r.emit(AppProxyGW, key, fields)
	}
	for id, pl := range links {
		if !pgRows[id] {
			r.reject(CfgPeerLink, strconv.Itoa(id)+"|"+pl.pc, "", "no %s|%d row: configure the proxy gateway in lldp mode first", CfgProxyGateway, id)
		} else if d := domains[id]; d.pgMode == "" {
			r.reject(CfgPeerLink, strconv.Itoa(id)+"|"+pl.pc, "", "the proxy gateway of domain %d was rejected", id)
		}
	}
	return accepted
}

// modeRows names the CONFIG_DB rows of domain id that belong to mode (the
// remote MACs of static mode, the peer-domain link of lldp mode), or "".
func (r *run) modeRows(id int, mode string) string {
	table := CfgRemoteMAC
	if mode == "lldp" {
		table = CfgPeerLink
	}
	prefix := strconv.Itoa(id) + "|"
	for _, k := range r.cfg.Keys(table) {
		if strings.HasPrefix(k, prefix) {
			return table + "|" + prefix + "*"
		}
	}
	return ""
}

func (r *run) remoteMACs(domains map[int]*domainState, own proxygw.MAC) {
	for _, key := range r.cfg.Keys(CfgRemoteMAC) {
		f, _ := r.cfg.Get(CfgRemoteMAC, key)
		idStr, macStr, ok := strings.Cut(key, "|")
		id, err := parseDomainID(idStr)
		if !ok || err != nil {
			r.reject(CfgRemoteMAC, key, "", "key must be <domain id 1-1000>|<mac>")
			continue
		}
		m, err := proxygw.ParseMAC(macStr)
		if err == nil {
			err = m.UsableRouterMAC()
		}
		if err != nil {
			r.reject(CfgRemoteMAC, key, "mac", "%v: not a router MAC", err)
			continue
		}
		d := domains[id]
		switch {
		case d == nil:
			r.reject(CfgRemoteMAC, key, "", "VLT domain %d is not configured (or was rejected)", id)
			continue
		case m == own:
			r.reject(CfgRemoteMAC, key, "mac", "%s is this switch's own MAC", m)
			continue
		case m == d.peerMAC:
			r.reject(CfgRemoteMAC, key, "mac", "%s is the VLT peer's MAC (peer routing covers it)", m)
			continue
		case d.pgMode == "lldp":
			r.reject(CfgRemoteMAC, key, "", "domain %d proxy gateway is in lldp mode; remote MACs are static-mode configuration", id)
			continue
		case d.pgMode == "":
			r.reject(CfgRemoteMAC, key, "", "domain %d has no accepted proxy gateway in static mode", id)
			continue
		}
		ex, err := proxygw.ParseVLANList(f["exclude_vlans"])
		if err != nil {
			r.reject(CfgRemoteMAC, key, "exclude_vlans", "%v", err)
			continue
		}
		r.emit(AppRemoteMAC, idStr+":"+m.String(), map[string]string{"exclude_vlans": ex.String()})
	}
}

func (r *run) ports() {
	for _, key := range r.cfg.Keys(CfgPort) {
		f, _ := r.cfg.Get(CfgPort, key)
		if !reEthernet.MatchString(key) {
			r.reject(CfgPort, key, "", "%q is not an EthernetN name", key)
			continue
		}
		v := f["lldp_tlv"]
		if v == "" {
			v = "enabled"
		}
		if v != "enabled" && v != "disabled" {
			r.reject(CfgPort, key, "lldp_tlv", "%q is not enabled or disabled", v)
			continue
		}
		r.emit(AppPort, key, map[string]string{"lldp_tlv": v})
	}
}

func (r *run) lldpGlobal() {
	for _, key := range r.cfg.Keys(CfgLLDP) {
		f, _ := r.cfg.Get(CfgLLDP, key)
		if key != "GLOBAL" {
			r.reject(CfgLLDP, key, "", "only LLDP|GLOBAL is supported")
			continue
		}
		hello, err1 := intField(f, "hello_time", 30, 5, 180)
		mult, err2 := intField(f, "multiplier", 4, 2, 10)
		if err1 != nil {
			r.reject(CfgLLDP, key, "hello_time", "%v", err1)
			continue
		}
		if err2 != nil {
			r.reject(CfgLLDP, key, "multiplier", "%v", err2)
			continue
		}
		r.emit(AppLLDPGlobal, "global", map[string]string{"hello_time": strconv.Itoa(hello), "multiplier": strconv.Itoa(mult)})
	}
}

func intField(f map[string]string, name string, def, lo, hi int) (int, error) {
	v, ok := f[name]
	if !ok || v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%q is not a number %d-%d", v, lo, hi)
	}
	return n, nil
}
