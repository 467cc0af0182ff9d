package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/vltgw/vltgw/cfgmgr/vlt"
	"github.com/vltgw/vltgw/swss"
)

// STATE_DB and COUNTERS_DB tables the VLT show commands read. The LLDP
// ones are written by pgwlldpd (lldp/daemon StateNeighborTable and
// CountersTable; a test checks they match without the CLI importing the
// daemon).
const (
	statePeerTable      = "VLT_PEER_TABLE"
	stateLagTable       = "LAG_TABLE" // PortsOrch: oper_status of each LAG
	stateProxyGWTable   = "VLT_PROXY_GW_TABLE"
	stateRemoteMACTable = "VLT_PROXY_GW_REMOTE_MAC_TABLE"
	stateNeighborTable  = "VLT_PROXY_GW_NEIGHBOR_TABLE"
	countersLLDPTable   = "VLT_PROXY_GW_LLDP_COUNTERS"
	stateCfgErrorTable  = "CFG_ERROR_TABLE"
	// orchagent's rows not in effect: ORCH_ERROR_TABLE|<APP table>:<key>
	// {status, reason}; the VLT ones are read.
	stateOrchErrorTable = "ORCH_ERROR_TABLE"
)

// myMACCounter is where the proxy-gateway orch keeps the CRM-style MY_MAC
// table usage {used, available}: the database and the whole key.
var myMACCounter = struct{ db, key string }{swss.StateDB, "CRM_TABLE|my_mac"}

// Rows of one database by table, then key (without the table name).
type dbRows map[string]map[string]map[string]string

// VltInputs is everything the VLT show commands read: CONFIG_DB and
// STATE_DB rows by table and key, cfgmgrd's rejections by "<TABLE>|<key>"
// ("field: reason"), orchagent's VLT rows not in effect by "<APP
// table>:<key>" ("status: reason"), and the MY_MAC usage row.
type VltInputs struct {
	Config     dbRows
	State      dbRows
	Errors     map[string]string
	OrchErrors map[string]string
	MyMAC      map[string]string
}

// VltDomain is one domain of `show vlt brief`.
type VltDomain struct {
	DomainID string `json:"domain_id"`
	PeerLink string `json:"peer_link"`
	PeerMAC  string `json:"peer_mac"`
	// PeerMACSource is "state" (STATE_DB VLT_PEER_TABLE, which wins),
	// "config" (VLT_DOMAIN peer_mac) or "" (unknown).
	PeerMACSource string `json:"peer_mac_source"`
	// PeerStatus is up, down or unknown; PeerStatusSource says where it
	// comes from, in the proxy-gateway orch's order: "VLT_PEER_TABLE"
	// (oper_status of an external VLT daemon, which wins), "peer-link
	// PortChannelN oper status" (the orch's VLT_PROXY_GW_TABLE
	// peer_status, else STATE_DB LAG_TABLE of the peer link) or "" (none).
	PeerStatus         string `json:"peer_status"`
	PeerStatusSource   string `json:"peer_status_source"`
	PeerRouting        bool   `json:"peer_routing"`
	PeerRoutingTimeout int    `json:"peer_routing_timeout"`
	// PeerRoutingExpiresIn is the seconds left before the peer MAC stops
	// being routed (the peer is down and the timeout runs); nil otherwise.
	PeerRoutingExpiresIn *int                `json:"peer_routing_expires_in,omitempty"`
	VltPortChannels      []string            `json:"vlt_port_channels"`
	ProxyGateway         *ProxyGatewayStatus `json:"proxy_gateway"`
	Error                string              `json:"error,omitempty"`
	// OrchErrors are the domain's APP_DB rows orchagent has not put in
	// effect (e.g. the isolation group waiting for a bridge port):
	// "<APP table>:<key>: <status>: <reason>".
	OrchErrors []string `json:"orch_errors,omitempty"`
}

// ProxyGatewayStatus is the proxy gateway line of a domain in `show vlt brief`.
type ProxyGatewayStatus struct {
	Mode       string `json:"mode"`
	OperStatus string `json:"oper_status"`
}

// VltDomains builds `show vlt brief`: every domain configured in
// VLT_DOMAIN or published in VLT_PEER_TABLE, by number.
func VltDomains(in VltInputs) []VltDomain {
	cfg := in.Config[vlt.CfgDomain]
	peers := in.State[statePeerTable]
	ids := domainIDs(cfg, peers, in.Config[vlt.CfgProxyGateway])
	lags := map[string][]string{}
	for key := range in.Config[vlt.CfgInterface] {
		if id, pc, ok := strings.Cut(key, "|"); ok {
			lags[id] = append(lags[id], pc)
		}
	}
	out := make([]VltDomain, 0, len(ids))
	for _, id := range ids {
		f, peer := cfg[id], peers[id]
		d := VltDomain{DomainID: id, PeerLink: f["peer_link"], PeerStatus: "unknown", PeerRouting: f["peer_routing"] == "true",
			VltPortChannels: lags[id], Error: in.Errors[vlt.CfgDomain+"|"+id]}
		d.PeerRoutingTimeout, _ = strconv.Atoi(f["peer_routing_timeout"])
		switch {
		case peer["peer_mac"] != "":
			d.PeerMAC, d.PeerMACSource = peer["peer_mac"], "state"
		case f["peer_mac"] != "":
			d.PeerMAC, d.PeerMACSource = f["peer_mac"], "config"
		}
		pgState := in.State[stateProxyGWTable][id]
		switch {
		case peer["oper_status"] != "":
			d.PeerStatus, d.PeerStatusSource = peer["oper_status"], statePeerTable
		case pgState["peer_status"] != "":
			d.PeerStatus = pgState["peer_status"]
			if src := pgState["peer_status_source"]; src != "none" {
				d.PeerStatusSource = src
			}
		case d.PeerLink != "" && in.State[stateLagTable][d.PeerLink]["oper_status"] != "":
			// No proxy gateway (the orch reports the peer in its row):
			// the peer link's oper status, as the orch derives it.
			d.PeerStatus, d.PeerStatusSource = in.State[stateLagTable][d.PeerLink]["oper_status"], peerLinkSource(d.PeerLink)
		}
		if d.PeerRouting {
			d.PeerRoutingExpiresIn = expiresIn(pgState["peer_routing_expires_at"], pgState["peer_routing_expires_in"])
		}
		if d.VltPortChannels == nil {
			d.VltPortChannels = []string{}
		}
		for name, e := range in.OrchErrors {
			if _, key, _ := strings.Cut(name, ":"); key == id || strings.HasPrefix(key, id+":") {
				d.OrchErrors = append(d.OrchErrors, name+": "+e)
			}
		}
		sort.Strings(d.OrchErrors)
		sortNatural(d.VltPortChannels)
		pg := in.Config[vlt.CfgProxyGateway][id]
		if pg != nil || pgState != nil {
			d.ProxyGateway = &ProxyGatewayStatus{Mode: firstOf(pg["mode"], pgState["mode"]), OperStatus: firstOf(pgState["oper_status"], "unknown")}
		}
		out = append(out, d)
	}
	return out
}

// peerLinkSource is the peer status source of a peer link (the orch's
// pgworch.PeerLinkSource).
func peerLinkSource(lag string) string { return "peer-link " + lag + " oper status" }

// vltNow is the CLI's clock (tests fix it).
var vltNow = time.Now

// expiresIn is the seconds left until the RFC 3339 deadline at (rounded up,
// never negative), else the seconds the writer recorded; nil when neither
// is given.
func expiresIn(at, in string) *int {
	if t, err := time.Parse(time.RFC3339, at); err == nil {
		n := int(max(t.Sub(vltNow()), 0).Seconds() + 0.999)
		return &n
	}
	if n, err := strconv.Atoi(in); err == nil {
		return &n
	}
	return nil
}

// writeVltBrief prints each domain as "label : value" lines, as SONiC's
// `show mclag brief` does.
func writeVltBrief(w io.Writer, domains []VltDomain) error {
	var b strings.Builder
	line := func(label, value string) { fmt.Fprintf(&b, "%-22s: %s\n", label, value) }
	for i, d := range domains {
		if i > 0 {
			b.WriteByte('\n')
		}
		line("Domain ID", d.DomainID)
		line("Peer Link", orNone(d.PeerLink))
		peerMAC := orNone(d.PeerMAC)
		switch d.PeerMACSource {
		case "state":
			peerMAC += " (" + statePeerTable + ")"
		case "config":
			peerMAC += " (configured)"
		}
		line("Peer MAC", peerMAC)
		status := d.PeerStatus
		if d.PeerStatusSource != "" {
			status += " (" + d.PeerStatusSource + ")"
		}
		line("Peer Status", status)
		routing := "disabled"
		if d.PeerRouting {
			routing = "enabled, timeout " + strconv.Itoa(d.PeerRoutingTimeout) + " s"
			if d.PeerRoutingTimeout == 0 {
				routing = "enabled, timeout 0 (keep forever)"
			}
			if d.PeerRoutingExpiresIn != nil {
				routing += ", peer down: ends in " + strconv.Itoa(*d.PeerRoutingExpiresIn) + " s"
			}
		}
		line("Peer Routing", routing)
		line("VLT Port-Channels", orNone(strings.Join(d.VltPortChannels, ", ")))
		pg := "disabled"
		if d.ProxyGateway != nil {
			pg = orNone(d.ProxyGateway.Mode) + ", oper " + d.ProxyGateway.OperStatus
		}
		line("Proxy Gateway", pg)
		if d.Error != "" {
			line("Error", d.Error)
		}
		for i, e := range d.OrchErrors {
			label := ""
			if i == 0 {
				label = "Not Applied"
			}
			line(label, e)
		}
	}
	if len(domains) == 0 {
		b.WriteString("No VLT domain configured\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ProxyGatewayReport is `show vlt proxy-gateway`.
type ProxyGatewayReport struct {
	Domains []ProxyGatewayDomain `json:"domains"`
	// MyMAC is the MY_MAC table usage; nil when nothing published it.
	MyMAC *TableUsage `json:"my_mac"`
}

// TableUsage is a CRM-style counter: entries held, entries refused for
// lack of room, and the room left when the capacity is known.
type TableUsage struct {
	Used      int  `json:"used"`
	Available *int `json:"available"` // null: capacity unknown
	Failed    int  `json:"failed"`
	// Capacity and where it came from (configured, observed, unknown).
	Capacity       *int   `json:"capacity"`
	CapacitySource string `json:"capacity_source,omitempty"`
}

// ProxyGatewayDomain is the proxy gateway of one domain.
type ProxyGatewayDomain struct {
	DomainID           string `json:"domain_id"`
	Mode               string `json:"mode"`
	OperStatus         string `json:"oper_status"`
	PeerDomainLink     string `json:"peer_domain_link"`
	PeerLinkExclude    string `json:"peer_domain_link_exclude_vlans"`
	VltPeerMACTransmit bool   `json:"vlt_peer_mac_transmit"`
	EntriesInstalled   int    `json:"entries_installed"`
	EntriesFailed      int    `json:"entries_failed"`
	// Error is the orch's error (STATE_DB) or cfgmgrd's rejection of the
	// VLT_PROXY_GATEWAY row.
	Error      string      `json:"error,omitempty"`
	RemoteMACs []RemoteMAC `json:"remote_macs"`
}

// RemoteMAC is one remote router MAC of a domain.
type RemoteMAC struct {
	MAC            string   `json:"mac"`
	Source         string   `json:"source"`
	LearnedOn      []string `json:"learned_on"`
	Neighbor       string   `json:"neighbor,omitempty"`
	ExcludedVlans  string   `json:"excluded_vlans"`
	InstalledVlans string   `json:"installed_vlans"`
	FailedVlans    string   `json:"failed_vlans"`
	State          string   `json:"state"`
	ExpiresIn      string   `json:"expires_in"`
	Error          string   `json:"error,omitempty"`
}

// ProxyGateways builds `show vlt proxy-gateway`: each domain with a proxy
// gateway configured or reported, its remote MACs as the orch reports them
// (STATE_DB) plus configured static MACs it has not reported (state
// "pending", or "rejected" with cfgmgrd's reason).
func ProxyGateways(in VltInputs) ProxyGatewayReport {
	cfgPG, statePG := in.Config[vlt.CfgProxyGateway], in.State[stateProxyGWTable]
	peerLinks := map[string][2]string{} // id → PortChannel, exclude_vlans
	for key, f := range in.Config[vlt.CfgPeerLink] {
		if id, pc, ok := strings.Cut(key, "|"); ok {
			if prev, dup := peerLinks[id]; !dup || naturalLess(pc, prev[0]) {
				peerLinks[id] = [2]string{pc, f["exclude_vlans"]}
			}
		}
	}
	macs := map[string]map[string]*RemoteMAC{}
	add := func(id string, m *RemoteMAC) {
		if macs[id] == nil {
			macs[id] = map[string]*RemoteMAC{}
		}
		macs[id][m.MAC] = m
	}
	for key, f := range in.State[stateRemoteMACTable] {
		id, mac, ok := strings.Cut(key, "|")
		if !ok {
			continue
		}
		m := &RemoteMAC{MAC: mac, Source: f["source"], LearnedOn: splitList(f["learned_on"]), Neighbor: f["neighbor"],
			InstalledVlans: f["vlans_installed"], FailedVlans: f["vlans_failed"], State: f["state"], ExpiresIn: f["expires_in"], Error: f["error"]}
		if slices.Contains(splitList(m.Source), "lldp") {
			m.ExcludedVlans = peerLinks[id][1]
		}
		add(id, m)
	}
	for key, f := range in.Config[vlt.CfgRemoteMAC] {
		id, mac, ok := strings.Cut(key, "|")
		if !ok {
			continue
		}
		mac = strings.ToLower(mac)
		if m := macs[id][mac]; m != nil {
			m.ExcludedVlans = f["exclude_vlans"]
			continue
		}
		m := &RemoteMAC{MAC: mac, Source: "static", LearnedOn: []string{}, ExcludedVlans: f["exclude_vlans"], State: "pending"}
		if e := in.Errors[vlt.CfgRemoteMAC+"|"+key]; e != "" {
			m.State, m.Error = "rejected", e
		}
		add(id, m)
	}
	ids := domainIDs(cfgPG, statePG)
	rep := ProxyGatewayReport{Domains: make([]ProxyGatewayDomain, 0, len(ids))}
	for _, id := range ids {
		c, s := cfgPG[id], statePG[id]
		d := ProxyGatewayDomain{DomainID: id, Mode: firstOf(c["mode"], s["mode"]), OperStatus: firstOf(s["oper_status"], "unknown"),
			PeerDomainLink: firstOf(s["peer_domain_link"], peerLinks[id][0]), PeerLinkExclude: peerLinks[id][1], VltPeerMACTransmit: c["vlt_peer_mac_transmit"] == "true",
			Error: firstOf(s["error"], in.Errors[vlt.CfgProxyGateway+"|"+id]), RemoteMACs: []RemoteMAC{}}
		d.EntriesInstalled, _ = strconv.Atoi(s["entries_installed"])
		d.EntriesFailed, _ = strconv.Atoi(s["entries_failed"])
		keys := make([]string, 0, len(macs[id]))
		for mac := range macs[id] {
			keys = append(keys, mac)
		}
		sort.Strings(keys)
		for _, mac := range keys {
			m := macs[id][mac]
			if m.LearnedOn == nil {
				m.LearnedOn = []string{}
			}
			d.RemoteMACs = append(d.RemoteMACs, *m)
		}
		rep.Domains = append(rep.Domains, d)
	}
	if used, err := strconv.Atoi(in.MyMAC["used"]); err == nil {
		u := &TableUsage{Used: used, CapacitySource: in.MyMAC["capacity_source"]}
		u.Failed, _ = strconv.Atoi(in.MyMAC["failed"])
		if n, err := strconv.Atoi(in.MyMAC["available"]); err == nil {
			u.Available = &n
		}
		if n, err := strconv.Atoi(in.MyMAC["capacity"]); err == nil {
			u.Capacity = &n
		}
		rep.MyMAC = u
	}
	return rep
}

func writeProxyGateways(w io.Writer, rep ProxyGatewayReport) error {
	var b strings.Builder
	line := func(label, value string) { fmt.Fprintf(&b, "%-22s: %s\n", label, value) }
	for _, d := range rep.Domains {
		line("VLT Domain", d.DomainID)
		line("Mode", orNone(d.Mode))
		line("Oper Status", d.OperStatus)
		link := orNone(d.PeerDomainLink)
		if d.PeerLinkExclude != "" {
			link += " (excluded VLANs " + d.PeerLinkExclude + ")"
		}
		line("Peer-Domain Link", link)
		line("VLT Peer MAC Transmit", enabled(d.VltPeerMACTransmit))
		line("Entries", fmt.Sprintf("%d installed, %d failed", d.EntriesInstalled, d.EntriesFailed))
		if d.Error != "" {
			line("Error", d.Error)
		}
		b.WriteByte('\n')
		t := &table{header: []string{"MAC", "Source", "Learned On", "Excluded VLANs", "Installed VLANs", "State", "Expires"}}
		for _, m := range d.RemoteMACs {
			expires := orDash(m.ExpiresIn)
			if _, err := strconv.Atoi(m.ExpiresIn); err == nil {
				expires += "s"
			}
			state := m.State
			if m.Error != "" {
				state += ": " + m.Error
			}
			t.rows = append(t.rows, []string{m.MAC, orDash(m.Source), orDash(strings.Join(m.LearnedOn, ",")), orDash(m.ExcludedVlans),
				orDash(m.InstalledVlans), orDash(state), expires})
		}
		if err := t.writeSimple(&b); err != nil {
			return err
		}
		b.WriteByte('\n')
	}
	if len(rep.Domains) == 0 {
		b.WriteString("No proxy gateway configured\n\n")
	}
	if u := rep.MyMAC; u != nil {
		avail, capacity := "available unknown", "unknown"
		if u.Available != nil {
			avail = strconv.Itoa(*u.Available) + " available"
		}
		if u.Capacity != nil {
			capacity = strconv.Itoa(*u.Capacity)
		}
		if u.CapacitySource != "" && u.CapacitySource != "unknown" {
			capacity += ", " + u.CapacitySource
		}
		fmt.Fprintf(&b, "MY_MAC table: %d used, %s, %d failed (capacity %s)\n", u.Used, avail, u.Failed, capacity)
	} else {
		b.WriteString("MY_MAC table: N/A\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// LLDPNeighbor is one proxy-gateway LLDP neighbour (pgwlldpd's STATE_DB row).
type LLDPNeighbor struct {
	LocalPort  string   `json:"local_port"`
	ChassisID  string   `json:"chassis_id"`
	PortID     string   `json:"port_id"`
	SystemName string   `json:"system_name"`
	Domain     string   `json:"domain"`
	TTL        int      `json:"ttl"`
	ExpiresIn  int      `json:"expires_in"`
	LastRx     string   `json:"last_rx"`
	MACs       []string `json:"macs"`
}

// LLDPNeighbors lists VLT_PROXY_GW_NEIGHBOR_TABLE rows by port, then chassis.
func LLDPNeighbors(rows map[string]map[string]string) []LLDPNeighbor {
	out := make([]LLDPNeighbor, 0, len(rows))
	for key, f := range rows {
		port, chassis, _ := strings.Cut(key, "|")
		n := LLDPNeighbor{LocalPort: port, ChassisID: chassis, PortID: f["port_id"], SystemName: f["system_name"],
			Domain: f["domain"], LastRx: f["last_rx"], MACs: splitList(f["macs"])}
		n.TTL, _ = strconv.Atoi(f["ttl"])
		n.ExpiresIn, _ = strconv.Atoi(f["expires_in"])
		if n.MACs == nil {
			n.MACs = []string{}
		}
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].LocalPort != out[j].LocalPort {
			return naturalLess(out[i].LocalPort, out[j].LocalPort)
		}
		return out[i].ChassisID < out[j].ChassisID
	})
	return out
}

func lldpNeighborTable(ns []LLDPNeighbor) *table {
	t := &table{header: []string{"Local Port", "Chassis ID", "Port ID", "System Name", "Domain", "TTL", "Expires", "MACs"}}
	for _, n := range ns {
		t.rows = append(t.rows, []string{n.LocalPort, n.ChassisID, n.PortID, orDash(n.SystemName), orDash(n.Domain),
			strconv.Itoa(n.TTL), strconv.Itoa(n.ExpiresIn) + "s", orDash(strings.Join(n.MACs, "\n"))})
	}
	return t
}

// LLDPCounters are one port's LLDPDU counters (COUNTERS_DB).
type LLDPCounters struct {
	Port        string `json:"port"`
	Tx          uint64 `json:"tx"`
	Rx          uint64 `json:"rx"`
	Malformed   uint64 `json:"malformed"`
	Ignored     uint64 `json:"ignored"`
	InvalidMACs uint64 `json:"invalid_macs"`
}

// LLDPCountersOf lists VLT_PROXY_GW_LLDP_COUNTERS rows by port.
func LLDPCountersOf(rows map[string]map[string]string) []LLDPCounters {
	out := make([]LLDPCounters, 0, len(rows))
	for port, f := range rows {
		n := func(k string) uint64 { v, _ := strconv.ParseUint(f[k], 10, 64); return v }
		out = append(out, LLDPCounters{Port: port, Tx: n("tx"), Rx: n("rx"), Malformed: n("malformed"), Ignored: n("ignored"), InvalidMACs: n("invalid_macs")})
	}
	sort.Slice(out, func(i, j int) bool { return naturalLess(out[i].Port, out[j].Port) })
	return out
}

func lldpCountersTable(cs []LLDPCounters) *table {
	t := &table{header: []string{"Port", "TX", "RX", "Malformed", "Ignored", "Invalid MACs"}}
	u := func(v uint64) string { return strconv.FormatUint(v, 10) }
	for _, c := range cs {
		t.rows = append(t.rows, []string{c.Port, u(c.Tx), u(c.Rx), u(c.Malformed), u(c.Ignored), u(c.InvalidMACs)})
	}
	return t
}

// readVltInputs reads the CONFIG_DB VLT tables, the STATE_DB VLT tables and
// rejections, and the MY_MAC counter.
func readVltInputs(ctx context.Context, env *Env) (VltInputs, error) {
	in := VltInputs{Config: dbRows{}, State: dbRows{}, Errors: map[string]string{}, OrchErrors: map[string]string{}}
	for _, t := range vlt.ConfigTables {
		rows, err := readTable(ctx, env, swss.ConfigDB, t)
		if err != nil {
			return in, err
		}
		in.Config[t] = rows
	}
	for _, t := range []string{statePeerTable, stateProxyGWTable, stateRemoteMACTable, stateLagTable} {
		rows, err := readTable(ctx, env, swss.StateDB, t)
		if err != nil {
			return in, err
		}
		in.State[t] = rows
	}
	errs, err := readTable(ctx, env, swss.StateDB, stateCfgErrorTable)
	if err != nil {
		return in, err
	}
	for k, f := range errs {
		in.Errors[k] = strings.TrimSpace(f["field"] + ": " + f["reason"])
	}
	state, err := env.store(ctx, swss.StateDB)
	if err != nil {
		return in, err
	}
	prefix := stateOrchErrorTable + state.sep + "VLT_"
	keys, err := state.keys(ctx, escapeGlob(prefix)+"*")
	if err != nil {
		return in, err
	}
	rows, err := state.hashes(ctx, keys)
	if err != nil {
		return in, err
	}
	for k, f := range rows {
		in.OrchErrors["VLT_"+strings.TrimPrefix(k, prefix)] = f["status"] + ": " + f["reason"]
	}
	s, err := env.store(ctx, myMACCounter.db)
	if err != nil {
		return in, err
	}
	if in.MyMAC, err = s.hash(ctx, myMACCounter.key); err != nil {
		return in, err
	}
	if len(in.MyMAC) == 0 {
		in.MyMAC = nil
	}
	return in, nil
}

func runShowVltBrief(ctx context.Context, env *Env, args []string) error {
	if len(args) != 0 {
		return fmt.Errorf("%w: show vlt brief takes no arguments", ErrUsage)
	}
	in, err := readVltInputs(ctx, env)
	if err != nil {
		return err
	}
	domains := VltDomains(in)
	if env.JSON() {
		return writeJSON(env.Stdout, domains)
	}
	return writeVltBrief(env.Stdout, domains)
}

// runShowProxyGateway is `show vlt proxy-gateway [lldp neighbors|lldp
// counters]` (one command: a path cannot also be a group).
func runShowProxyGateway(ctx context.Context, env *Env, args []string) error {
	switch strings.Join(args, " ") {
	case "":
		in, err := readVltInputs(ctx, env)
		if err != nil {
			return err
		}
		rep := ProxyGateways(in)
		if env.JSON() {
			return writeJSON(env.Stdout, rep)
		}
		return writeProxyGateways(env.Stdout, rep)
	case "lldp neighbors":
		rows, err := readTable(ctx, env, swss.StateDB, stateNeighborTable)
		if err != nil {
			return err
		}
		ns := LLDPNeighbors(rows)
		if env.JSON() {
			return writeJSON(env.Stdout, ns)
		}
		return lldpNeighborTable(ns).writeSimple(env.Stdout)
	case "lldp counters":
		rows, err := readTable(ctx, env, swss.CountersDB, countersLLDPTable)
		if err != nil {
			return err
		}
		cs := LLDPCountersOf(rows)
		if env.JSON() {
			return writeJSON(env.Stdout, cs)
		}
		return lldpCountersTable(cs).writeSimple(env.Stdout)
	}
	return fmt.Errorf("%w: show vlt proxy-gateway [lldp neighbors|lldp counters], not %q", ErrUsage, strings.Join(args, " "))
}

// domainIDs is the union of the keys of the tables, by number.
func domainIDs(tables ...map[string]map[string]string) []string {
	seen := map[string]bool{}
	var ids []string
	for _, t := range tables {
		for id := range t {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	sort.Slice(ids, func(i, j int) bool {
		a, ea := strconv.Atoi(ids[i])
		b, eb := strconv.Atoi(ids[j])
		if ea == nil && eb == nil {
			return a < b
		}
		return ids[i] < ids[j]
	})
	return ids
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

func orNone(s string) string { return firstOf(s, "none") }
func orDash(s string) string { return firstOf(s, "-") }

func enabled(b bool) string {
	if b {
		return "enabled"
	}
	return "disabled"
}
