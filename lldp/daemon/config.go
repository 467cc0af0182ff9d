package daemon

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/vltgw/vltgw/cfgmgr/vlt"
	"github.com/vltgw/vltgw/lldp"
)

// Tables is the followed state: table → key → fields.
type Tables map[string]map[string]map[string]string

func (t Tables) set(table, key string, f map[string]string) {
	if t[table] == nil {
		t[table] = map[string]map[string]string{}
	}
	if f == nil {
		delete(t[table], key)
		return
	}
	t[table][key] = f
}

// Followed APP_DB and CONFIG_DB tables.
const (
	appLAGMember = "LAG_MEMBER_TABLE"
	appIntf      = "INTF_TABLE"
	cfgMetadata  = "DEVICE_METADATA"
)

// DomainConfigs derives each lldp-mode domain's agent configuration from
// the followed tables (pure, so it is tested on its own).
func DomainConfigs(app, cfg Tables) map[int]lldp.Config {
	md := cfg[cfgMetadata]["localhost"]
	sysMAC, _ := lldp.ParseMAC(md["mac"])
	hostname := md["hostname"]
	var routerMACs []lldp.MAC
	for _, f := range app[appIntf] {
		if m, err := lldp.ParseMAC(f["mac_addr"]); err == nil {
			routerMACs = append(routerMACs, m)
		}
	}
	sort.Slice(routerMACs, func(i, j int) bool { return routerMACs[i].String() < routerMACs[j].String() })
	var disabled []string
	for port, f := range app[vlt.AppPort] {
		if f["lldp_tlv"] == "disabled" {
			disabled = append(disabled, port)
		}
	}
	sort.Strings(disabled)
	hello, mult := 30*time.Second, 4
	if g := app[vlt.AppLLDPGlobal]["global"]; g != nil {
		if n, err := strconv.Atoi(g["hello_time"]); err == nil {
			hello = time.Duration(n) * time.Second
		}
		if n, err := strconv.Atoi(g["multiplier"]); err == nil {
			mult = n
		}
	}
	out := map[int]lldp.Config{}
	for key, pg := range app[vlt.AppProxyGW] {
		id, err := strconv.Atoi(key)
		if err != nil || pg["mode"] != "lldp" {
			continue
		}
		link := pg["peer_domain_link"]
		var members []string
		for mkey := range app[appLAGMember] {
			if lag, port, ok := strings.Cut(mkey, ":"); ok && lag == link && link != "" {
				members = append(members, port)
			}
		}
		sort.Strings(members)
		peerMAC, _ := lldp.ParseMAC(app[vlt.AppDomain][key]["peer_mac"])
		out[id] = lldp.Config{
			DomainID: id, Enabled: !sysMAC.IsZero(), SystemMAC: sysMAC, SystemName: hostname,
			RouterMACs: routerMACs, PeerMAC: peerMAC, TransmitPeerMAC: pg["vlt_peer_mac_transmit"] == "true",
			Members: members, TLVDisabled: disabled, HelloTime: hello, Multiplier: mult,
		}
	}
	return out
}
