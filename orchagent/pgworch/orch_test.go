package pgworch

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vltgw/vltgw/swss"
)

// staticDomain configures domain 2 in static mode with peer routing on.
func (s *stack) staticDomain(peerMAC string, remotes ...string) {
	s.t.Helper()
	s.produce(AppDomain, set("2", "peer_link", "PortChannel1", "peer_routing", "true", "peer_routing_timeout", "0", "peer_mac", peerMAC))
	s.produce(AppProxyGW, set("2", "mode", "static", "vlt_peer_mac_transmit", "false"))
	var kfvs []swss.KeyOpFieldValues
	for i := 0; i+1 < len(remotes); i += 2 {
		kfvs = append(kfvs, set("2:"+remotes[i], "exclude_vlans", remotes[i+1]))
	}
	if len(kfvs) > 0 {
		s.produce(AppRemoteMAC, kfvs...)
	}
}

// TestStaticModeExactObjects: static remote MACs and the peer MAC become
// exactly the MY_MAC objects of spec §4 in ASIC_DB (sairedis keys, SAI
// values) and in the platform; a new VLAN interface adds only its
// entries; editing an exclusion removes only those entries.
func TestStaticModeExactObjects(t *testing.T) {
	s := newStack(t, 512)
	s.base(10, 20, 30)
	s.start(Options{})
	s.staticDomain(macD1, macC, "30", macD, "")
	want := entries(macC, []int{10, 20}, macD, []int{10, 20, 30}, macD1, []int{10, 20, 30})
	s.until("the MY_MAC entries", func() bool { return same(s.asicEntries(), want) && same(s.platformEntries(), want) })

	before := s.asicMyMACs()
	for k, f := range before {
		if !strings.HasPrefix(k, "ASIC_STATE:SAI_OBJECT_TYPE_MY_MAC:oid:0x61") {
			t.Fatalf("key %s is not a MY_MAC VID key", k)
		}
		if len(f) != 4 || f[AttrMask] != "FF:FF:FF:FF:FF:FF" || f[AttrPriority] != "1" ||
			f[AttrMAC] != strings.ToUpper(f[AttrMAC]) || f[AttrVlanID] == "" {
			t.Fatalf("%s = %v", k, f)
		}
	}
	s.until("STATE_DB rows", func() bool {
		c := s.stateRow("VLT_PROXY_GW_REMOTE_MAC_TABLE|2|" + macC)
		d1 := s.stateRow("VLT_PROXY_GW_REMOTE_MAC_TABLE|2|" + macD1)
		pg := s.stateRow("VLT_PROXY_GW_TABLE|2")
		crm := s.stateRow("CRM_TABLE|my_mac")
		return c["source"] == "static" && c["vlans_installed"] == "10,20" && c["state"] == "installed" && c["error"] == "" &&
			d1["source"] == "peer-routing" && d1["vlans_installed"] == "10,20,30" &&
			pg["oper_status"] == "up" && pg["mode"] == "static" && pg["entries_installed"] == "8" && pg["entries_failed"] == "0" &&
			crm["used"] == "8" && crm["capacity_source"] == "unknown"
	})

	// A new VLAN interface: only its entries are created (one per MAC it
	// is not excluded for), nothing is removed or re-created.
	st0 := s.orch.Stats()
	s.addL3(40)
	want = entries(macC, []int{10, 20, 40}, macD, []int{10, 20, 30, 40}, macD1, []int{10, 20, 30, 40})
	s.until("VLAN 40 entries", func() bool { return same(s.asicEntries(), want) && same(s.platformEntries(), want) })
	st1 := s.orch.Stats()
	if st1.Creates-st0.Creates != 3 || st1.Removes != st0.Removes {
		t.Fatalf("adding VLAN 40: %d creates, %d removes; want 3, 0", st1.Creates-st0.Creates, st1.Removes-st0.Removes)
	}
	after := s.asicMyMACs()
	for k := range before {
		if _, ok := after[k]; !ok {
			t.Fatalf("%s was removed by adding a VLAN interface", k)
		}
	}

	// Editing C's exclusion to 20,30: only C/20 goes.
	s.produce(AppRemoteMAC, set("2:"+macC, "exclude_vlans", "20,30"))
	want = entries(macC, []int{10, 40}, macD, []int{10, 20, 30, 40}, macD1, []int{10, 20, 30, 40})
	s.until("C/20 removed", func() bool { return same(s.asicEntries(), want) && same(s.platformEntries(), want) })
	st2 := s.orch.Stats()
	if st2.Creates != st1.Creates || st2.Removes-st1.Removes != 1 {
		t.Fatalf("editing the exclusion: %d creates, %d removes; want 0, 1", st2.Creates-st1.Creates, st2.Removes-st1.Removes)
	}
	final := s.asicMyMACs()
	for k := range after {
		if _, ok := final[k]; !ok && !(strings.EqualFold(after[k][AttrMAC], macC) && after[k][AttrVlanID] == "20") {
			t.Fatalf("%s %v removed by editing C's exclusion", k, after[k])
		}
	}
	// Deleting the VLAN interface takes its entries away.
	s.produce("INTF_TABLE", del("Vlan40:10.0.40.1/24"))
	s.produce("INTF_TABLE", del("Vlan40"))
	want = entries(macC, []int{10}, macD, []int{10, 20, 30}, macD1, []int{10, 20, 30})
	s.until("VLAN 40 entries gone", func() bool { return same(s.asicEntries(), want) && same(s.platformEntries(), want) })
	// Removing the proxy gateway leaves the peer MAC only.
	s.produce(AppRemoteMAC, del("2:"+macC), del("2:"+macD))
	s.produce(AppProxyGW, del("2"))
	want = entries(macD1, []int{10, 20, 30})
	s.until("only peer routing left", func() bool {
		return same(s.asicEntries(), want) && len(s.stateRow("VLT_PROXY_GW_TABLE|2")) == 0 &&
			len(s.stateRow("VLT_PROXY_GW_REMOTE_MAC_TABLE|2|"+macC)) == 0
	})
	_ = context.Background()
}

// TestLLDPLearnedMACs: in lldp mode the learned-MAC rows pgwlldpd writes
// create entries on the L3 VLANs outside the peer link's exclusion, with
// where they were learned and when they expire in STATE_DB; a withdrawn
// MAC's entries go; static rows are ignored in lldp mode.
func TestLLDPLearnedMACs(t *testing.T) {
	s := newStack(t, 512)
	s.base(10, 20, 30)
	s.start(Options{})
	s.produce(AppDomain, set("2", "peer_routing", "true", "peer_routing_timeout", "0"))
	s.produce(AppProxyGW, set("2", "mode", "lldp", "vlt_peer_mac_transmit", "true", "peer_domain_link", "PortChannel100", "exclude_vlans", "30"))
	s.produce(AppRemoteMAC, set("2:"+macE, "exclude_vlans", "")) // static config: not used in lldp mode
	lastRx := s.clock.Now().Add(-10 * time.Second).UTC().Format(time.RFC3339)
	s.state.Client.HSet(context.Background(), "VLT_PROXY_GW_NEIGHBOR_TABLE|Ethernet8|00:01:e8:00:00:0c",
		"port_id", "Ethernet8", "ttl", "120", "last_rx", lastRx, "expires_in", "110", "macs", macC+","+macD, "domain", "2")
	s.produce(AppLearnedMAC, set("2:"+macC, "learned_on", "Ethernet8", "neighbor", macC),
		set("2:"+macD, "learned_on", "Ethernet8", "neighbor", macC))
	want := entries(macC, []int{10, 20}, macD, []int{10, 20})
	s.until("learned entries", func() bool { return same(s.asicEntries(), want) && same(s.platformEntries(), want) })
	s.until("learned STATE_DB row", func() bool {
		r := s.stateRow("VLT_PROXY_GW_REMOTE_MAC_TABLE|2|" + macC)
		return r["source"] == "lldp" && r["learned_on"] == "Ethernet8" && r["neighbor"] == macC && r["expires_in"] == "110" &&
			r["vlans_installed"] == "10,20" && r["state"] == "installed" &&
			len(s.stateRow("VLT_PROXY_GW_REMOTE_MAC_TABLE|2|"+macE)) == 0 &&
			s.stateRow("VLT_PROXY_GW_TABLE|2")["peer_domain_link"] == "PortChannel100"
	})
	s.produce(AppLearnedMAC, del("2:"+macD))
	want = entries(macC, []int{10, 20})
	s.until("D withdrawn", func() bool {
		return same(s.asicEntries(), want) && same(s.platformEntries(), want) &&
			len(s.stateRow("VLT_PROXY_GW_REMOTE_MAC_TABLE|2|"+macD)) == 0
	})
	// Switching the domain to static mode: learned MACs go, static come.
	s.produce(AppProxyGW, set("2", "mode", "static"))
	want = entries(macE, []int{10, 20, 30})
	s.until("static mode", func() bool { return same(s.asicEntries(), want) && same(s.platformEntries(), want) })
}

// TestPeerRoutingTimeout: with VLT_PEER_TABLE from the VLT daemon, the
// peer's MAC (which wins over VLT_DOMAIN's peer_mac) is routed on every L3
// VLAN while the peer is up, stays for peer_routing_timeout after it goes
// down (fake clock), then goes; the peer coming back restores it.
func TestPeerRoutingTimeout(t *testing.T) {
	s := newStack(t, 512)
	s.base(10, 20)
	s.start(Options{})
	s.produce(AppDomain, set("2", "peer_routing", "true", "peer_routing_timeout", "10", "peer_mac", macD))
	wantCfg := entries(macD, []int{10, 20})
	s.until("configured peer MAC routed", func() bool { return same(s.asicEntries(), wantCfg) })
	s.state.Client.HSet(context.Background(), "VLT_PEER_TABLE|2", "peer_mac", macD1, "oper_status", "up")
	want := entries(macD1, []int{10, 20})
	s.until("VLT daemon's peer MAC routed", func() bool { return same(s.asicEntries(), want) && same(s.platformEntries(), want) })

	s.state.Client.HSet(context.Background(), "VLT_PEER_TABLE|2", "oper_status", "down")
	s.until("peer down reported", func() bool {
		return s.stateRow("VLT_PROXY_GW_REMOTE_MAC_TABLE|2|" + macD1)["expires_in"] == "10"
	})
	down := s.clock.Now()
	s.until("the timeout armed on the loop", func() bool { return s.clock.hasTimerAt(down.Add(10 * time.Second)) })
	s.clock.Advance(9 * time.Second)
	// A marker row makes the loop run a round after the advance.
	s.produce(AppRemoteMAC, set("9:marker"))
	s.until("the marker row processed", func() bool {
		return s.stateRow("ORCH_ERROR_TABLE|VLT_PROXY_GW_REMOTE_MAC_TABLE:9:marker")["status"] == "invalid"
	})
	if !same(s.asicEntries(), want) || !same(s.platformEntries(), want) || !s.clock.hasTimerAt(down.Add(10*time.Second)) {
		t.Fatalf("peer MAC withdrawn before the timeout\n%s", s.describe())
	}
	s.clock.Advance(time.Second)
	s.until("peer MAC withdrawn after the timeout", func() bool {
		return len(s.asicEntries()) == 0 && len(s.platformEntries()) == 0 &&
			len(s.stateRow("VLT_PROXY_GW_REMOTE_MAC_TABLE|2|"+macD1)) == 0
	})
	s.state.Client.HSet(context.Background(), "VLT_PEER_TABLE|2", "oper_status", "up")
	s.until("peer back", func() bool { return same(s.asicEntries(), want) })
	// The VLT daemon's row goes: back to the configured peer MAC.
	s.state.Client.Del(context.Background(), "VLT_PEER_TABLE|2")
	s.until("configured peer MAC again", func() bool { return same(s.asicEntries(), wantCfg) })
	// peer_routing off: nothing routed.
	s.produce(AppDomain, set("2", "peer_routing", "false", "peer_mac", macD))
	s.until("peer routing off", func() bool { return len(s.asicEntries()) == 0 })
}

// TestTableFullReportedAndRetried: the platform holds 8 MY_MAC entries.
// 4 MACs × 3 L3 VLANs do not fit: the installed ones stay, STATE_DB says
// which MACs and VLANs failed (partial/failed, entries_failed, CRM), and
// removing a MAC frees room that the failed entries take.
func TestTableFullReportedAndRetried(t *testing.T) {
	s := newStack(t, 8)
	s.base(10, 20, 30)
	s.start(Options{})
	s.produce(AppDomain, set("2", "peer_routing", "true"))
	s.produce(AppProxyGW, set("2", "mode", "static"))
	s.produce(AppRemoteMAC, set("2:"+macC), set("2:"+macD))
	s.until("C and D installed", func() bool { return len(s.platformEntries()) == 6 })
	keep := s.asicMyMACs()
	s.produce(AppRemoteMAC, set("2:"+macE), set("2:"+macD1))
	// Creates go in MAC order: D1 (00:01:e8:00:01:0d) sorts after E.
	s.until("table full reported", func() bool {
		e := s.stateRow("VLT_PROXY_GW_REMOTE_MAC_TABLE|2|" + macE)
		d1 := s.stateRow("VLT_PROXY_GW_REMOTE_MAC_TABLE|2|" + macD1)
		pg := s.stateRow("VLT_PROXY_GW_TABLE|2")
		crm := s.stateRow("CRM_TABLE|my_mac")
		return e["state"] == "partial" && e["vlans_installed"] == "10,20" && e["vlans_failed"] == "30" &&
			e["error"] == "SAI_STATUS_TABLE_FULL on VLANs 30" &&
			d1["state"] == "failed" && d1["vlans_installed"] == "" && strings.Contains(d1["error"], "SAI_STATUS_TABLE_FULL") &&
			pg["entries_installed"] == "8" && pg["entries_failed"] == "4" && strings.Contains(pg["error"], "4 MY_MAC entries not installed") &&
			crm["used"] == "8" && crm["available"] == "0" && crm["capacity"] == "8" && crm["capacity_source"] == "observed" && crm["failed"] == "4"
	})
	if got := len(s.platformEntries()); got != 8 {
		t.Fatalf("platform holds %d entries", got)
	}
	now := s.asicMyMACs()
	for k := range keep {
		if _, ok := now[k]; !ok {
			t.Fatalf("installed entry %s %v removed when the table filled", k, keep[k])
		}
	}
	// C leaves: its 3 entries free room for E/30 and two of D1's.
	s.produce(AppRemoteMAC, del("2:"+macC))
	want := entries(macD, []int{10, 20, 30}, macE, []int{10, 20, 30}, macD1, []int{10, 20})
	s.until("failed entries installed in the freed room", func() bool {
		d1 := s.stateRow("VLT_PROXY_GW_REMOTE_MAC_TABLE|2|" + macD1)
		return same(s.platformEntries(), want) && same(s.asicEntries(), want) &&
			s.stateRow("VLT_PROXY_GW_REMOTE_MAC_TABLE|2|" + macE)["state"] == "installed" &&
			d1["state"] == "partial" && d1["vlans_installed"] == "10,20" && d1["vlans_failed"] == "30" &&
			s.stateRow("VLT_PROXY_GW_TABLE|2")["entries_failed"] == "1"
	})
	// D leaves too: everything fits, errors clear.
	s.produce(AppRemoteMAC, del("2:"+macD))
	want = entries(macE, []int{10, 20, 30}, macD1, []int{10, 20, 30})
	s.until("all installed", func() bool {
		pg := s.stateRow("VLT_PROXY_GW_TABLE|2")
		crm := s.stateRow("CRM_TABLE|my_mac")
		return same(s.platformEntries(), want) && pg["entries_failed"] == "0" && pg["error"] == "" &&
			crm["used"] == "6" && crm["available"] == "2" && crm["failed"] == "0"
	})
}

// TestBadRowsRejectedOthersWork: malformed APP_DB rows are Invalid with
// the key and the field in ORCH_ERROR_TABLE; the valid rows around them
// are programmed.
func TestBadRowsRejectedOthersWork(t *testing.T) {
	s := newStack(t, 512)
	s.base(10, 20)
	s.start(Options{})
	s.produce(AppDomain, set("2", "peer_routing", "true"), set("2000", "peer_routing", "true"),
		set("3", "peer_routing", "maybe"))
	s.produce(AppProxyGW, set("2", "mode", "static"), set("3", "mode", "sometimes"), set("4", "mode", "static", "exclude_vlans", "10,"))
	s.produce(AppRemoteMAC,
		set("2:"+macC, "exclude_vlans", "20"),
		set("2:01:00:5e:00:00:01"),
		set("2:zz:zz", "exclude_vlans", ""),
		set("2:"+switchMAC),
		set("2:"+macD, "exclude_vlans", "10-5000"),
		set("2:"+macE, "exclude_vlans", "x"))
	s.produce(AppLearnedMAC, set("2:ff:ff:ff:ff:ff:ff", "learned_on", "Ethernet8"))
	s.state.Client.HSet(context.Background(), "VLT_PEER_TABLE|2", "oper_status", "sideways")
	checks := map[string][]string{
		"VLT_DOMAIN_TABLE:2000":                              {"domain id", "2000"},
		"VLT_DOMAIN_TABLE:3":                                 {"field peer_routing", "maybe"},
		"VLT_PROXY_GW_TABLE:3":                               {"field mode", "sometimes"},
		"VLT_PROXY_GW_TABLE:4":                               {"field exclude_vlans", "10,"},
		"VLT_PROXY_GW_REMOTE_MAC_TABLE:2:01:00:5e:00:00:01":  {"field mac", "multicast"},
		"VLT_PROXY_GW_REMOTE_MAC_TABLE:2:zz:zz":              {"field mac", "zz:zz"},
		"VLT_PROXY_GW_REMOTE_MAC_TABLE:2:" + switchMAC:       {"field mac", "own MAC"},
		"VLT_PROXY_GW_REMOTE_MAC_TABLE:2:" + macD:            {"field exclude_vlans", "10-5000"},
		"VLT_PROXY_GW_REMOTE_MAC_TABLE:2:" + macE:            {"field exclude_vlans", `"x"`},
		"VLT_PROXY_GW_LEARNED_MAC_TABLE:2:ff:ff:ff:ff:ff:ff": {"field mac", "broadcast"},
		"STATE_DB|VLT_PEER_TABLE:2":                          {"field oper_status", "sideways"},
	}
	for key, parts := range checks {
		s.until(key+" invalid", func() bool {
			r := s.stateRow("ORCH_ERROR_TABLE|" + key)
			if r["status"] != "invalid" || !strings.Contains(r["reason"], key) {
				return false
			}
			for _, p := range parts {
				if !strings.Contains(r["reason"], p) {
					return false
				}
			}
			return true
		})
	}
	want := entries(macC, []int{10})
	s.until("the valid MAC installed", func() bool { return same(s.asicEntries(), want) && same(s.platformEntries(), want) })
	// A fixed row replaces the bad one and clears its error.
	s.produce(AppRemoteMAC, set("2:"+macD, "exclude_vlans", "10"))
	want = entries(macC, []int{10}, macD, []int{20})
	s.until("the fixed row applied", func() bool {
		return same(s.asicEntries(), want) && len(s.stateRow("ORCH_ERROR_TABLE|VLT_PROXY_GW_REMOTE_MAC_TABLE:2:"+macD)) == 0
	})
	// A proxy gateway without its domain is down with a reason.
	s.produce(AppProxyGW, set("5", "mode", "static"))
	s.until("domain 5 down", func() bool {
		r := s.stateRow("VLT_PROXY_GW_TABLE|5")
		return r["oper_status"] == "down" && strings.Contains(r["error"], "VLT domain 5 is not configured")
	})
}

// TestLLDPTablesConsumedForPgwlldpd: the orch consumes
// VLT_PROXY_GW_PORT_TABLE and LLDP_GLOBAL_TABLE so their rows are applied
// in APP_DB for pgwlldpd (and VLT_PROXY_GW_TABLE/VLT_DOMAIN_TABLE, which
// it uses itself); bad rows are reported.
func TestLLDPTablesConsumedForPgwlldpd(t *testing.T) {
	s := newStack(t, 512)
	s.start(Options{})
	s.produce(AppPort, set("Ethernet8", "lldp_tlv", "disabled"), set("Ethernet12", "lldp_tlv", "maybe"))
	s.produce(AppLLDPGlobal, set("global", "hello_time", "5", "multiplier", "3"))
	s.produce(AppProxyGW, set("2", "mode", "lldp", "peer_domain_link", "PortChannel100"))
	s.produce(AppDomain, set("2", "peer_routing", "true"))
	ctx := context.Background()
	s.until("rows applied in APP_DB", func() bool {
		return s.app.Client.HGet(ctx, "VLT_PROXY_GW_PORT_TABLE:Ethernet8", "lldp_tlv").Val() == "disabled" &&
			s.app.Client.HGet(ctx, "LLDP_GLOBAL_TABLE:global", "hello_time").Val() == "5" &&
			s.app.Client.HGet(ctx, "VLT_PROXY_GW_TABLE:2", "mode").Val() == "lldp" &&
			s.app.Client.HGet(ctx, "VLT_DOMAIN_TABLE:2", "peer_routing").Val() == "true"
	})
	s.until("bad port row reported", func() bool {
		r := s.stateRow("ORCH_ERROR_TABLE|VLT_PROXY_GW_PORT_TABLE:Ethernet12")
		return r["status"] == "invalid" && strings.Contains(r["reason"], "field lldp_tlv")
	})
}
