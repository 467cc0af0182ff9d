package cfgmgr

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestRawHSetProducesAppDBRows is DVS-style: CONFIG_DB rows written with
// raw HSET (as redis-cli would) become exactly the ProducerStateTable
// footprint in APP_DB, popping moves them to "T:k", and deleting the
// CONFIG_DB row deletes exactly that APP_DB row.
func TestRawHSetProducesAppDBRows(t *testing.T) {
	d := newDVS(t)
	d.start()
	d.hset("PORT|Ethernet0", "lanes", "0,1,2,3", "speed", "100000", "admin_status", "up", "alias", "etp1")
	d.hset("VLAN|Vlan10", "vlanid", "10")
	d.hset("VLAN_MEMBER|Vlan10|Ethernet0", "tagging_mode", "untagged")
	d.hset("VLAN_INTERFACE|Vlan10")
	d.hset("VLAN_INTERFACE|Vlan10|10.0.10.1/24")
	d.hset("VLAN_INTERFACE|Vlan10|FC00:10::1/64")
	d.hset("NEIGH|Vlan10|10.0.10.5", "neigh", "00:11:22:33:44:55", "family", "IPv4")
	d.hset("STATIC_ROUTE|192.168.0.0/16", "nexthop", "10.0.10.5")
	d.settle()

	want := map[string]map[string]map[string]string{
		"PORT_TABLE":        {"Ethernet0": {"lanes": "0,1,2,3", "speed": "100000", "admin_status": "up", "alias": "etp1", "mtu": "9100"}},
		"VLAN_TABLE":        {"Vlan10": {"admin_status": "up", "mtu": "9100"}},
		"VLAN_MEMBER_TABLE": {"Vlan10:Ethernet0": {"tagging_mode": "untagged"}},
		"INTF_TABLE": {
			"Vlan10":               {"NULL": "NULL"},
			"Vlan10:10.0.10.1/24":  {"scope": "global", "family": "IPv4"},
			"Vlan10:fc00:10::1/64": {"scope": "global", "family": "IPv6"},
		},
		"NEIGH_TABLE": {"Vlan10:10.0.10.5": {"neigh": "00:11:22:33:44:55", "family": "IPv4"}},
		"ROUTE_TABLE": {"192.168.0.0/16": {"nexthop": "10.0.10.5", "ifname": "Vlan10"}},
	}
	for table, rows := range want {
		keys, staged := d.staged(table)
		if len(keys) != len(rows) {
			t.Fatalf("%s_KEY_SET = %v, want %d keys", table, keys, len(rows))
		}
		for k, f := range rows {
			if !equalMap(staged[k], f) {
				t.Fatalf("_%s:%s = %v, want %v", table, k, staged[k], f)
			}
		}
		if n := d.app.SCard(context.Background(), table+"_DEL_SET").Val(); n != 0 {
			t.Fatalf("%s_DEL_SET has %d keys", table, n)
		}
		got := d.pop(table)
		if len(got) != len(rows) {
			t.Fatalf("popped %d %s entries, want %d", len(got), table, len(rows))
		}
		for k, f := range rows {
			if !equalMap(d.appRow(table, k), f) {
				t.Fatalf("%s:%s after pop = %v, want %v", table, k, d.appRow(table, k), f)
			}
			if d.app.Exists(context.Background(), "_"+table+":"+k).Val() != 0 {
				t.Fatalf("_%s:%s left after pop", table, k)
			}
		}
	}
	if keys := d.state.Keys(context.Background(), "CFG_ERROR_TABLE|*").Val(); len(keys) != 0 {
		t.Fatalf("errors: %v", keys)
	}

	// Delete: exactly the member row goes.
	d.cfg.Del(context.Background(), "VLAN_MEMBER|Vlan10|Ethernet0")
	d.settle()
	keys, _ := d.staged("VLAN_MEMBER_TABLE")
	dels := d.app.SMembers(context.Background(), "VLAN_MEMBER_TABLE_DEL_SET").Val()
	if len(keys) != 1 || keys[0] != "Vlan10:Ethernet0" || len(dels) != 1 || dels[0] != "Vlan10:Ethernet0" {
		t.Fatalf("delete footprint: key set %v del set %v", keys, dels)
	}
	for _, table := range []string{"PORT_TABLE", "VLAN_TABLE", "INTF_TABLE", "NEIGH_TABLE", "ROUTE_TABLE"} {
		if k, _ := d.staged(table); len(k) != 0 {
			t.Fatalf("delete of a member touched %s: %v", table, k)
		}
	}
	got := d.pop("VLAN_MEMBER_TABLE")
	if len(got) != 1 || got[0].Op != "DEL" || d.app.Exists(context.Background(), "VLAN_MEMBER_TABLE:Vlan10:Ethernet0").Val() != 0 {
		t.Fatalf("popped %+v", got)
	}
}

// TestBadInputMatrixInRedis: each bad row gets a STATE_DB error with its
// field and reason and a log line with its key; the valid config is not
// touched; deleting the bad row clears its error.
func TestBadInputMatrixInRedis(t *testing.T) {
	d := newDVS(t)
	d.start()
	for _, ev := range baseConfig() {
		args := []string{}
		for k, v := range ev.Fields {
			args = append(args, k, v)
		}
		d.hset(ev.TableKey.String(), args...)
	}
	d.settle()
	before := d.appKeys()
	cases := []struct {
		key    string
		kv     []string
		field  string
		reason string
	}{
		{"VLAN|Vlan5000", []string{"vlanid", "5000"}, "key", "VLAN id 5000 of \"Vlan5000\" is outside 1-4094"},
		{"VLAN|Vlan30", []string{"vlanid", "31"}, "vlanid", `"31" does not match the VLAN name Vlan30`},
		{"VLAN_MEMBER|Vlan99|Ethernet12", []string{"tagging_mode", "tagged"}, "key", "VLAN Vlan99 does not exist (waiting for VLAN|Vlan99)"},
		{"VLAN_INTERFACE|Vlan20|10.0.20.256/24", nil, "key", `"10.0.20.256/24" is not an address/length prefix`},
		{"VLAN_MEMBER|Vlan20|Ethernet99", []string{"tagging_mode", "tagged"}, "key", "PORT Ethernet99 does not exist (waiting for PORT|Ethernet99)"},
		{"VLAN_INTERFACE|Vlan20|10.0.10.1/24", nil, "key", "address 10.0.10.1 is already used by VLAN_INTERFACE|Vlan10|10.0.10.1/24"},
		{"INTERFACE|Ethernet0", nil, "key", "Ethernet0 is already a VLAN member"},
	}
	for _, c := range cases {
		d.hset(c.key, c.kv...)
	}
	d.settle()
	for _, c := range cases {
		table, key, _ := strings.Cut(c.key, "|")
		got := d.stateError(table, key)
		if got["field"] != c.field || !strings.Contains(got["reason"], c.reason) {
			t.Errorf("CFG_ERROR_TABLE|%s = %v, want field %q reason %q", c.key, got, c.field, c.reason)
		}
		if !logHas(d.log.String(), table, key, c.reason) {
			t.Errorf("no log line for %s with %q", c.key, c.reason)
		}
	}
	if after := d.appKeys(); after != before {
		t.Fatalf("APP_DB changed:\n%s\n---\n%s", before, after)
	}
	// A valid row still flows while the bad ones sit there.
	d.hset("VLAN_MEMBER|Vlan20|Ethernet12", "tagging_mode", "tagged")
	d.settle()
	if _, rows := d.staged("VLAN_MEMBER_TABLE"); rows["Vlan20:Ethernet12"]["tagging_mode"] != "tagged" {
		t.Fatalf("valid member not written: %v", rows)
	}
	// Fixed or deleted rows clear their errors.
	d.hset("VLAN|Vlan30", "vlanid", "30")
	for _, c := range cases[:] {
		if c.key != "VLAN|Vlan30" {
			d.cfg.Del(context.Background(), c.key)
		}
	}
	d.settle()
	if keys := d.state.Keys(context.Background(), "CFG_ERROR_TABLE|*").Val(); len(keys) != 0 {
		t.Fatalf("errors left: %v", keys)
	}
}

// logHas reports whether a JSON log line names table, key and the reason.
func logHas(log, table, key, reason string) bool {
	for _, line := range strings.Split(log, "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) != nil {
			continue
		}
		if m["table"] == table && m["key"] == key && strings.Contains(m["reason"].(string), reason) {
			return true
		}
	}
	return false
}

// TestRestartConverges: cfgmgrd stops, CONFIG_DB changes meanwhile, and the
// new run writes only the difference (and deletes what went away).
func TestRestartConverges(t *testing.T) {
	d := newDVS(t)
	d.start()
	for _, ev := range baseConfig() {
		args := []string{}
		for k, v := range ev.Fields {
			args = append(args, k, v)
		}
		d.hset(ev.TableKey.String(), args...)
	}
	d.settle()
	for _, table := range []string{"PORT_TABLE", "VLAN_TABLE", "VLAN_MEMBER_TABLE", "INTF_TABLE", "NEIGH_TABLE", "ROUTE_TABLE"} {
		d.pop(table) // orchagent took everything
	}
	d.stop()
	ctx := context.Background()
	d.cfg.Del(ctx, "VLAN_MEMBER|Vlan20|Ethernet8")
	d.hset("VLAN|Vlan30", "vlanid", "30")
	d.start()
	d.settle()
	if keys, _ := d.staged("VLAN_TABLE"); len(keys) != 1 || keys[0] != "Vlan30" {
		t.Fatalf("VLAN_TABLE_KEY_SET after restart: %v", keys)
	}
	if keys, _ := d.staged("VLAN_MEMBER_TABLE"); len(keys) != 1 || keys[0] != "Vlan20:Ethernet8" ||
		d.app.SIsMember(ctx, "VLAN_MEMBER_TABLE_DEL_SET", "Vlan20:Ethernet8").Val() != true {
		t.Fatalf("VLAN_MEMBER_TABLE_KEY_SET after restart: %v", keys)
	}
	for _, table := range []string{"PORT_TABLE", "INTF_TABLE", "NEIGH_TABLE", "ROUTE_TABLE"} {
		if k, _ := d.staged(table); len(k) != 0 {
			t.Fatalf("restart rewrote %s: %v", table, k)
		}
	}
}
