package pgworch

import (
	"context"
	"strings"
	"testing"

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
