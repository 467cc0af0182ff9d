package vlt

import (
	"sort"
	"strings"
	"testing"
)

// mapConfig is CONFIG_DB as table → key → fields.
type mapConfig map[string]map[string]map[string]string

func (m mapConfig) Get(t, k string) (map[string]string, bool) { f, ok := m[t][k]; return f, ok }
func (m mapConfig) Keys(t string) []string {
	var ks []string
	for k := range m[t] {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
func (m mapConfig) set(t, k string, f map[string]string) {
	if m[t] == nil {
		m[t] = map[string]map[string]string{}
	}
	m[t][k] = f
}

// base is C1 (domain 2) of the reference scenario in lldp mode.
func base() mapConfig {
	c := mapConfig{}
	c.set("DEVICE_METADATA", "localhost", map[string]string{"mac": "00:01:e8:00:01:0c"})
	c.set(CfgDomain, "2", map[string]string{"peer_link": "PortChannel1", "peer_routing": "true", "peer_mac": "00:01:e8:00:01:0d"})
	c.set(CfgInterface, "2|PortChannel100", map[string]string{"NULL": "NULL"})
	c.set(CfgProxyGateway, "2", map[string]string{"mode": "lldp", "vlt_peer_mac_transmit": "true"})
	c.set(CfgPeerLink, "2|PortChannel100", map[string]string{"exclude_vlans": "30"})
	c.set(CfgPort, "Ethernet12", map[string]string{"lldp_tlv": "disabled"})
	c.set(CfgLLDP, "GLOBAL", map[string]string{"hello_time": "10", "multiplier": "3"})
	return c
}

func rowMap(rows []Row) map[string]map[string]string {
	m := map[string]map[string]string{}
	for _, r := range rows {
		m[r.Table+":"+r.Key] = r.Fields
	}
	return m
}

func mustReject(t *testing.T, rejs []Rejection, table, key, field, substr string) {
	t.Helper()
	for _, r := range rejs {
		if r.Table == table && r.Key == key && r.Field == field && strings.Contains(r.Reason, substr) {
			if !strings.Contains(r.Error(), table+"|"+key) {
				t.Fatalf("message %q does not name the key", r.Error())
			}
			return
		}
	}
	t.Fatalf("no rejection %s|%s field %q containing %q; got %v", table, key, field, substr, rejs)
}

func TestValidLLDPConfig(t *testing.T) {
	rows, rejs := NewTranslator().Translate(base())
	if len(rejs) != 0 {
		t.Fatalf("rejections %v", rejs)
	}
	m := rowMap(rows)
	if pg := m["VLT_PROXY_GW_TABLE:2"]; pg["mode"] != "lldp" || pg["peer_domain_link"] != "PortChannel100" ||
		pg["exclude_vlans"] != "30" || pg["vlt_peer_mac_transmit"] != "true" {
		t.Fatalf("proxy gw row %v", pg)
	}
	if d := m["VLT_DOMAIN_TABLE:2"]; d["peer_routing"] != "true" || d["peer_mac"] != "00:01:e8:00:01:0d" || d["peer_routing_timeout"] != "0" {
		t.Fatalf("domain row %v", d)
	}
	if m["VLT_INTERFACE_TABLE:2:PortChannel100"] == nil || m["VLT_PROXY_GW_PORT_TABLE:Ethernet12"]["lldp_tlv"] != "disabled" ||
		m["LLDP_GLOBAL_TABLE:global"]["hello_time"] != "10" {
		t.Fatalf("rows %v", m)
	}
}

// Rule 1: a remote-MAC row in lldp mode, a peer-link row in static mode.
func TestRejectModeConflicts(t *testing.T) {
	c := base()
	c.set(CfgRemoteMAC, "2|00:01:e8:00:00:0c", map[string]string{})
	rows, rejs := NewTranslator().Translate(c)
	mustReject(t, rejs, CfgRemoteMAC, "2|00:01:e8:00:00:0c", "", "lldp mode")
	if rowMap(rows)["VLT_PROXY_GW_TABLE:2"]["peer_domain_link"] != "PortChannel100" {
		t.Fatal("the valid lldp config stopped applying")
	}
	c = base()
	c.set(CfgProxyGateway, "2", map[string]string{"mode": "static"})
	c.set(CfgRemoteMAC, "2|00:01:E8:00:00:0C", map[string]string{"exclude_vlans": "30"})
	rows, rejs = NewTranslator().Translate(c)
	mustReject(t, rejs, CfgPeerLink, "2|PortChannel100", "", "static mode")
	if rowMap(rows)["VLT_PROXY_GW_REMOTE_MAC_TABLE:2:00:01:e8:00:00:0c"]["exclude_vlans"] != "30" {
		t.Fatalf("static MAC not applied: %v", rowMap(rows))
	}
}

// Rule 2: a peer-domain link that is not a VLT LAG; a second one.
func TestRejectPeerLinkNotVLTOrSecond(t *testing.T) {
	c := base()
	c.set(CfgPeerLink, "2|PortChannel200", map[string]string{})
	_, rejs := NewTranslator().Translate(c)
	mustReject(t, rejs, CfgPeerLink, "2|PortChannel200", "", "not a VLT LAG of domain 2")
	c.set(CfgInterface, "2|PortChannel200", map[string]string{"NULL": "NULL"})
	rows, rejs := NewTranslator().Translate(c)
	mustReject(t, rejs, CfgPeerLink, "2|PortChannel200", "", "already has peer-domain link PortChannel100")
	if rowMap(rows)["VLT_PROXY_GW_TABLE:2"]["peer_domain_link"] != "PortChannel100" {
		t.Fatal("first peer link lost")
	}
}

// Rule 3: invalid MACs, own MAC, the VLT peer's MAC.
func TestRejectBadRemoteMACs(t *testing.T) {
	c := base()
	c.set(CfgProxyGateway, "2", map[string]string{"mode": "static"})
	delete(c[CfgPeerLink], "2|PortChannel100")
	for mac, why := range map[string]string{
		"01:00:5e:00:00:01": "multicast", "ff:ff:ff:ff:ff:ff": "broadcast", "00:00:00:00:00:00": "all-zero",
		"00:01:e8:zz:00:01": "not a 6-octet", "00:01:e8:00:01:0c": "own MAC", "00:01:e8:00:01:0d": "VLT peer",
	} {
		c.set(CfgRemoteMAC, "2|"+mac, map[string]string{})
		_, rejs := NewTranslator().Translate(c)
		found := false
		for _, r := range rejs {
			if r.Key == "2|"+mac && strings.Contains(r.Reason, why) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no rejection mentioning %q: %v", mac, why, rejs)
		}
		delete(c[CfgRemoteMAC], "2|"+mac)
	}
	c.set(CfgRemoteMAC, "2|00:01:e8:00:00:0d", map[string]string{})
	c.set(CfgRemoteMAC, "2|01:00:5e:00:00:01", map[string]string{})
	rows, _ := NewTranslator().Translate(c)
	if _, ok := rowMap(rows)["VLT_PROXY_GW_REMOTE_MAC_TABLE:2:00:01:e8:00:00:0d"]; !ok {
		t.Fatal("a good MAC next to a bad one was not applied")
	}
}

// Rule 4: VLAN lists.
func TestRejectBadVLANLists(t *testing.T) {
	for _, bad := range []string{"0", "4095", "10-5", "ten", "1-5000"} {
		c := base()
		c.set(CfgPeerLink, "2|PortChannel100", map[string]string{"exclude_vlans": bad})
		_, rejs := NewTranslator().Translate(c)
		mustReject(t, rejs, CfgPeerLink, "2|PortChannel100", "exclude_vlans", "VLAN")
	}
}

// Rule 5: proxy gateway without peer routing; the domain itself applies.
func TestRejectWithoutPeerRouting(t *testing.T) {
	c := base()
	c.set(CfgDomain, "2", map[string]string{"peer_link": "PortChannel1"})
	rows, rejs := NewTranslator().Translate(c)
	mustReject(t, rejs, CfgProxyGateway, "2", "peer_routing", "needs peer_routing=true")
	m := rowMap(rows)
	if _, ok := m["VLT_PROXY_GW_TABLE:2"]; ok {
		t.Fatal("proxy gateway applied without peer routing")
	}
	if _, ok := m["VLT_DOMAIN_TABLE:2"]; !ok {
		t.Fatal("the VLT domain itself stopped applying")
	}
}

// Rule 6: un-marking the peer-domain link is refused and the link stays.
func TestRejectUnmarkingPeerLink(t *testing.T) {
	tr := NewTranslator()
	c := base()
	if _, rejs := tr.Translate(c); len(rejs) != 0 {
		t.Fatal(rejs)
	}
	delete(c[CfgInterface], "2|PortChannel100")
	rows, rejs := tr.Translate(c)
	mustReject(t, rejs, CfgInterface, "2|PortChannel100", "", "cannot remove the VLT marking")
	m := rowMap(rows)
	if m["VLT_INTERFACE_TABLE:2:PortChannel100"] == nil || m["VLT_PROXY_GW_TABLE:2"]["peer_domain_link"] != "PortChannel100" {
		t.Fatalf("peer link not kept: %v", m)
	}
	// Deleting the peer link first, then the marking, is accepted.
	delete(c[CfgPeerLink], "2|PortChannel100")
	c.set(CfgInterface, "2|PortChannel100", map[string]string{"NULL": "NULL"})
	tr.Translate(c)
	delete(c[CfgInterface], "2|PortChannel100")
	if _, rejs := tr.Translate(c); len(rejs) != 0 {
		t.Fatalf("orderly removal rejected: %v", rejs)
	}
}

func TestFieldChecks(t *testing.T) {
	cases := []struct {
		table, key, field string
		fields            map[string]string
	}{
		{CfgDomain, "0", "", map[string]string{}},
		{CfgDomain, "1001", "", map[string]string{}},
		{CfgDomain, "3", "peer_routing_timeout", map[string]string{"peer_routing_timeout": "70000"}},
		{CfgDomain, "3", "peer_routing", map[string]string{"peer_routing": "yes"}},
		{CfgDomain, "3", "peer_link", map[string]string{"peer_link": "Ethernet4"}},
		{CfgProxyGateway, "2", "mode", map[string]string{"mode": "dynamic"}},
		{CfgProxyGateway, "2", "vlt_peer_mac_transmit", map[string]string{"mode": "static", "vlt_peer_mac_transmit": "true"}},
		{CfgPort, "Ethernet0", "lldp_tlv", map[string]string{"lldp_tlv": "off"}},
		{CfgPort, "Eth0", "", map[string]string{"lldp_tlv": "disabled"}},
		{CfgLLDP, "GLOBAL", "hello_time", map[string]string{"hello_time": "4"}},
		{CfgLLDP, "GLOBAL", "multiplier", map[string]string{"multiplier": "11"}},
	}
	for _, c := range cases {
		cfg := base()
		cfg.set(c.table, c.key, c.fields)
		_, rejs := NewTranslator().Translate(cfg)
		found := false
		for _, r := range rejs {
			found = found || (r.Table == c.table && r.Key == c.key && r.Field == c.field)
		}
		if !found {
			t.Errorf("%s|%s %v: no rejection on field %q: %v", c.table, c.key, c.fields, c.field, rejs)
		}
	}
}

// A mode switch is refused while the old mode's rows remain: the old mode
// stays in effect (its rows keep applying) until they are deleted, then the
// switch applies. Without history (a cold start) rule 1 decides instead.
func TestModeSwitchRefusedUntilOldRowsGo(t *testing.T) {
	c := base()
	delete(c[CfgPeerLink], "2|PortChannel100")
	c.set(CfgProxyGateway, "2", map[string]string{"mode": "static"})
	c.set(CfgRemoteMAC, "2|00:01:e8:00:00:0c", map[string]string{"exclude_vlans": "30"})
	tr := NewTranslator()
	if _, rejs := tr.Translate(c); len(rejs) != 0 {
		t.Fatalf("static config rejected: %v", rejs)
	}

	// static → lldp with the remote MAC left: refused, static kept.
	c.set(CfgProxyGateway, "2", map[string]string{"mode": "lldp"})
	c.set(CfgPeerLink, "2|PortChannel100", map[string]string{"exclude_vlans": "30"})
	rows, rejs := tr.Translate(c)
	mustReject(t, rejs, CfgProxyGateway, "2", "mode", "cannot switch domain 2 from static to lldp mode while VLT_PROXY_GATEWAY_REMOTE_MAC|2|* rows remain")
	mustReject(t, rejs, CfgPeerLink, "2|PortChannel100", "", "static mode")
	m := rowMap(rows)
	if m["VLT_PROXY_GW_TABLE:2"]["mode"] != "static" || m["VLT_PROXY_GW_REMOTE_MAC_TABLE:2:00:01:e8:00:00:0c"] == nil {
		t.Fatalf("static mode not kept in effect: %v", m)
	}
	// Still refused on the next run (the history is the accepted mode).
	if _, rejs = tr.Translate(c); len(rejs) != 2 {
		t.Fatalf("second run: %v", rejs)
	}

	// The static rows go: lldp applies with its peer link.
	delete(c[CfgRemoteMAC], "2|00:01:e8:00:00:0c")
	rows, rejs = tr.Translate(c)
	if len(rejs) != 0 {
		t.Fatalf("lldp after the static rows went: %v", rejs)
	}
	if f := rowMap(rows)["VLT_PROXY_GW_TABLE:2"]; f["mode"] != "lldp" || f["peer_domain_link"] != "PortChannel100" {
		t.Fatalf("lldp not applied: %v", f)
	}

	// lldp → static with the peer link left: refused the same way.
	c.set(CfgProxyGateway, "2", map[string]string{"mode": "static"})
	rows, rejs = tr.Translate(c)
	mustReject(t, rejs, CfgProxyGateway, "2", "mode", "from lldp to static mode while VLT_PROXY_GATEWAY_PEER_LINK|2|* rows remain")
	if f := rowMap(rows)["VLT_PROXY_GW_TABLE:2"]; f["mode"] != "lldp" || f["peer_domain_link"] != "PortChannel100" {
		t.Fatalf("lldp not kept in effect: %v", f)
	}
}
