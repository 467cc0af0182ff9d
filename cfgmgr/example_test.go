package cfgmgr

import (
	"encoding/json"
	"os"
	"sort"
	"testing"
)

// TestExampleConfigIsValid checks lab/examples/single-switch/config_db.json
// (used by `make run`) translates without a rejection.
func TestExampleConfigIsValid(t *testing.T) {
	b, err := os.ReadFile("../lab/examples/single-switch/config_db.json")
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]map[string]map[string]string
	if err := json.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	var evs []Event
	for table, rows := range cfg {
		for key, f := range rows {
			evs = append(evs, Event{TableKey: TableKey{table, key}, Op: OpSet, Fields: Fields(f)})
		}
	}
	sort.Slice(evs, func(i, j int) bool { return evs[i].TableKey.Less(evs[j].TableKey) })
	h := newHarness(t, evs...)
	if len(h.errs) != 0 {
		t.Fatalf("rejections: %v", h.errs)
	}
	routes := 0
	for k := range h.app {
		if k.Table == AppRouteTable {
			routes++
		}
	}
	h.row(AppRouteTable, "192.168.100.0/24", "nexthop", "10.0.20.2", "ifname", "Vlan20")
	h.row(AppNeighTable, "Vlan20:10.0.20.2", "neigh", "02:00:00:00:20:02", "family", "IPv4")
	h.row(AppVlanMemberTable, "Vlan20:Ethernet12", "tagging_mode", "tagged")
	if routes != 1 || len(h.app) != 4+2+5+6+1+1 {
		t.Fatalf("APP_DB rows: %v", h.appKeys())
	}
}
