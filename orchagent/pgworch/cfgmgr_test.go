package pgworch

import (
	"sort"
	"testing"

	"github.com/vltgw/vltgw/cfgmgr/vlt"
	"github.com/vltgw/vltgw/swss"
)

// memConfig is a CONFIG_DB for vlt.Translator.
type memConfig map[string]map[string]map[string]string

func (c memConfig) Get(table, key string) (map[string]string, bool) {
	r, ok := c[table][key]
	return r, ok
}

func (c memConfig) Keys(table string) []string {
	var out []string
	for k := range c[table] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// publish writes what cfgmgrd's translator makes of cfg to APP_DB.
func (s *stack) publish(cfg memConfig) {
	s.t.Helper()
	rows, rejs := vlt.NewTranslator().Translate(cfg)
	if len(rejs) > 0 {
		s.t.Fatalf("configuration rejected: %v", rejs)
	}
	for _, r := range rows {
		var fv swss.FieldValues
		for f, v := range r.Fields {
			fv = append(fv, swss.FieldValue{Field: f, Value: v})
		}
		if len(fv) == 0 {
			fv = swss.FieldValues{{Field: "NULL", Value: "NULL"}}
		}
		s.produce(r.Table, swss.KeyOpFieldValues{Key: r.Key, Op: swss.OpSet, Fields: fv})
	}
}

// TestReferenceScenarioFromCfgmgrRows: the spec §8 reference scenario seen
// from C1 (domain 2), as cfgmgrd translates its CONFIG_DB: the APP_DB rows
// it writes are the ones this orch reads — in static mode, then lldp mode
// with the peer-domain link's exclusion and learned MACs.
func TestReferenceScenarioFromCfgmgrRows(t *testing.T) {
	const macC1 = "00:01:e8:00:01:0c"
	s := newStack(t, 512)
	s.base(10, 20, 30)
	s.start(Options{})
	cfg := memConfig{
		"DEVICE_METADATA":   {"localhost": {"mac": macC1, "hostname": "C1"}},
		"VLT_DOMAIN":        {"2": {"peer_link": "PortChannel1", "peer_routing": "true", "peer_routing_timeout": "30", "peer_mac": macD1}},
		"VLT_INTERFACE":     {"2|PortChannel100": {"NULL": "NULL"}},
		"VLT_PROXY_GATEWAY": {"2": {"mode": "static"}},
		"VLT_PROXY_GATEWAY_REMOTE_MAC": {
			"2|" + macC: {"exclude_vlans": "30"},
			"2|" + macD: {"exclude_vlans": "30"},
		},
	}
	s.publish(cfg)
	want := entries(macC, []int{10, 20}, macD, []int{10, 20}, macD1, []int{10, 20, 30})
	s.until("static scenario", func() bool { return same(s.asicEntries(), want) && same(s.platformEntries(), want) })

	// lldp mode: the static rows go (cfgmgrd deletes them), the peer link
	// excludes VLAN 30, pgwlldpd learned C and D.
	s.produce(vlt.AppRemoteMAC, del("2:"+macC), del("2:"+macD))
	delete(cfg, "VLT_PROXY_GATEWAY_REMOTE_MAC")
	cfg["VLT_PROXY_GATEWAY"] = map[string]map[string]string{"2": {"mode": "lldp", "vlt_peer_mac_transmit": "true"}}
	cfg["VLT_PROXY_GATEWAY_PEER_LINK"] = map[string]map[string]string{"2|PortChannel100": {"exclude_vlans": "30"}}
	s.publish(cfg)
	want = entries(macD1, []int{10, 20, 30})
	s.until("lldp mode, nothing learned yet", func() bool { return same(s.asicEntries(), want) })
	s.produce(vlt.AppLearnedMAC, set("2:"+macC, "learned_on", "Ethernet8", "neighbor", macC),
		set("2:"+macD, "learned_on", "Ethernet8", "neighbor", macC))
	want = entries(macC, []int{10, 20}, macD, []int{10, 20}, macD1, []int{10, 20, 30})
	s.until("lldp scenario", func() bool {
		pg := s.stateRow("VLT_PROXY_GW_TABLE|2")
		return same(s.asicEntries(), want) && same(s.platformEntries(), want) &&
			pg["mode"] == "lldp" && pg["peer_domain_link"] == "PortChannel100" && pg["entries_installed"] == "7"
	})
}
