package swss_test

import (
	"context"
	"reflect"
	"sort"
	"testing"

	"github.com/vltgw/vltgw/swss"
	"github.com/vltgw/vltgw/swss/redistest"
)

func TestDefaultDBConfig(t *testing.T) {
	c := swss.DefaultDBConfig()
	for name, want := range map[string]struct {
		id  int
		sep string
	}{swss.ApplDB: {0, ":"}, swss.AsicDB: {1, ":"}, swss.CountersDB: {2, ":"}, swss.ConfigDB: {4, "|"}, swss.StateDB: {6, "|"}} {
		db, err := c.DB(name)
		if err != nil || db.ID != want.id || db.Separator != want.sep {
			t.Errorf("%s = %+v, %v", name, db, err)
		}
	}
	if _, err := c.DB("NOPE_DB"); err == nil {
		t.Error("unknown DB accepted")
	}
	if _, err := swss.ParseDBConfig([]byte(`{"INSTANCES":{},"DATABASES":{"X":{"id":1,"separator":":","instance":"gone"}}}`)); err == nil {
		t.Error("unknown instance accepted")
	}
}

func TestTable(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	cfgDB := srv.DB(swss.ConfigDB)
	tbl := swss.NewTable(cfgDB, "VLAN_MEMBER")
	if err := tbl.Set(ctx, "Vlan10|Ethernet0", swss.FieldValues{{"tagging_mode", "untagged"}}); err != nil {
		t.Fatal(err)
	}
	if err := swss.NewTable(cfgDB, "VLT_INTERFACE").Set(ctx, "1|PortChannel100", nil); err != nil {
		t.Fatal(err)
	}
	raw := srv.Client(4)
	if got := raw.HGetAll(ctx, "VLT_INTERFACE|1|PortChannel100").Val(); !reflect.DeepEqual(got, map[string]string{"NULL": "NULL"}) {
		t.Fatalf("empty row stored as %v", got)
	}
	raw.HSet(ctx, "VLAN_MEMBER|Vlan20|Ethernet4", "tagging_mode", "tagged")
	keys, err := tbl.Keys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(keys)
	if !reflect.DeepEqual(keys, []string{"Vlan10|Ethernet0", "Vlan20|Ethernet4"}) {
		t.Fatalf("keys %v", keys)
	}
	f, ok, err := tbl.Get(ctx, "Vlan20|Ethernet4")
	if err != nil || !ok || f.Map()["tagging_mode"] != "tagged" {
		t.Fatalf("get %v %v %v", f, ok, err)
	}
	if err := tbl.Del(ctx, "Vlan20|Ethernet4"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := tbl.Get(ctx, "Vlan20|Ethernet4"); ok {
		t.Fatal("row survived Del")
	}
	if tb, k, ok := swss.SplitKey("VLAN_MEMBER|Vlan10|Ethernet0", "|"); !ok || tb != "VLAN_MEMBER" || k != "Vlan10|Ethernet0" {
		t.Fatalf("SplitKey = %q %q %v", tb, k, ok)
	}
	if _, _, ok := swss.SplitKey("NOSEPARATOR", "|"); ok {
		t.Fatal("SplitKey accepted a key without a table prefix")
	}
}

func TestSubscriberStateTable(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	cfgDB := srv.DB(swss.ConfigDB)
	raw := srv.Client(4)
	// An empty table's first Pops returns at once with nothing.
	empty, err := swss.NewSubscriberStateTable(ctx, cfgDB, "PORTCHANNEL")
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	if got, err := empty.Pops(ctx); err != nil || len(got) != 0 {
		t.Fatalf("empty dump = %v, %v", got, err)
	}
	raw.HSet(ctx, "VLAN|Vlan10", "vlanid", "10")
	s, err := swss.NewSubscriberStateTable(ctx, cfgDB, "VLAN")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	dump := popAll(t, ctx, s, 1)
	if dump[0].Key != "Vlan10" || dump[0].Op != swss.OpSet || dump[0].Fields.Map()["vlanid"] != "10" {
		t.Fatalf("dump %+v", dump)
	}
	// A table whose name is a prefix of ours must not leak in.
	raw.HSet(ctx, "VLAN_MEMBER|Vlan10|Ethernet0", "tagging_mode", "untagged")
	raw.HSet(ctx, "VLAN|Vlan20", "vlanid", "20", "mtu", "9100")
	raw.HSet(ctx, "VLAN|Vlan20", "mtu", "1500")
	raw.Del(ctx, "VLAN|Vlan10")
	// The four events may come back over several Pops (a later batch
	// carries a key's newer state): collect until both keys are final.
	got := byKey(popAll(t, ctx, s, 2))
	for got["Vlan10"].Op != swss.OpDel || got["Vlan20"].Fields.Map()["mtu"] != "1500" {
		for k, v := range byKey(popAll(t, ctx, s, 1)) {
			got[k] = v
		}
	}
	if got["Vlan20"].Op != swss.OpSet || got["Vlan20"].Fields.Map()["mtu"] != "1500" || got["Vlan20"].Fields.Map()["vlanid"] != "20" {
		t.Fatalf("Vlan20 %+v", got["Vlan20"])
	}
	if got["Vlan10"].Op != swss.OpDel {
		t.Fatalf("Vlan10 %+v", got["Vlan10"])
	}
	for k := range got {
		if k != "Vlan10" && k != "Vlan20" {
			t.Fatalf("foreign key %q delivered", k)
		}
	}
	// A Redis key that is only the table prefix has no row key: logged and
	// skipped; the next row still flows.
	raw.HSet(ctx, "VLAN|", "vlanid", "1")
	raw.HSet(ctx, "VLAN|Vlan40", "vlanid", "40")
	next := popAll(t, ctx, s, 1)
	for len(next) == 0 || next[len(next)-1].Key != "Vlan40" {
		next = append(next, popAll(t, ctx, s, 1)...)
	}
	for _, k := range next {
		if k.Key == "" {
			t.Fatalf("entry without a row key delivered: %+v", k)
		}
	}
}

// Keys lists only this table's rows: not the staging hashes, key sets or
// tables whose name extends this one's.
func TestTableKeysOnlyOwnRows(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	app := srv.DB(swss.ApplDB)
	raw := srv.Client(0)
	raw.HSet(ctx, "ROUTE_TABLE:10.0.0.0/8", "nexthop", "10.0.0.1")
	raw.HSet(ctx, "ROUTE_TABLE:fc00::/64", "nexthop", "fc00::1")
	raw.HSet(ctx, "_ROUTE_TABLE:1.0.0.0/8", "nexthop", "x")
	raw.SAdd(ctx, "ROUTE_TABLE_KEY_SET", "1.0.0.0/8")
	raw.HSet(ctx, "ROUTE_TABLE_EXTRA:k", "a", "b")
	raw.HSet(ctx, "ROUTE*TABLE:glob", "a", "b")
	tbl := swss.NewTable(app, "ROUTE_TABLE")
	keys, err := tbl.Keys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(keys)
	if !reflect.DeepEqual(keys, []string{"10.0.0.0/8", "fc00::/64"}) {
		t.Fatalf("keys = %v", keys)
	}
	if _, found, err := tbl.Get(ctx, "192.168.0.0/16"); found || err != nil {
		t.Fatalf("missing row found=%v err=%v", found, err)
	}
	all, err := tbl.GetAll(ctx)
	if err != nil || len(all) != 2 || all["fc00::/64"].Map()["nexthop"] != "fc00::1" {
		t.Fatalf("GetAll = %v, %v", all, err)
	}
	// A glob character in the table name is literal.
	if keys, _ := swss.NewTable(app, "ROUTE*TABLE").Keys(ctx); !reflect.DeepEqual(keys, []string{"glob"}) {
		t.Fatalf("ROUTE*TABLE keys = %v", keys)
	}
}
