package swss_test

import (
	"context"
	"testing"

	"github.com/vltgw/vltgw/swss"
	"github.com/vltgw/vltgw/swss/redistest"
)

// groupPopAll pops until n entries (over all tables) arrived.
func groupPopAll(t *testing.T, ctx context.Context, g *swss.SubscriberGroup, n int) []swss.TableChanges {
	t.Helper()
	var out []swss.TableChanges
	got := 0
	for got < n {
		tcs, err := g.Pops(ctx)
		if err != nil {
			t.Fatalf("pops after %d of %d: %v", got, n, err)
		}
		for _, tc := range tcs {
			got += len(tc.Entries)
		}
		out = append(out, tcs...)
	}
	return out
}

func TestSubscriberGroup(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	cfgDB := srv.DB(swss.ConfigDB)
	raw := srv.Client(4)
	raw.HSet(ctx, "VLAN|Vlan10", "vlanid", "10")
	raw.HSet(ctx, "VLAN_MEMBER|Vlan10|Ethernet0", "tagging_mode", "tagged")
	if _, err := swss.NewSubscriberGroup(ctx, cfgDB, []string{"BAD|NAME"}); err == nil {
		t.Fatal("a table name holding the separator was accepted")
	}
	g, err := swss.NewSubscriberGroup(ctx, cfgDB, []string{"PORT", "VLAN", "VLAN_MEMBER", "VLAN"})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if got := g.Tables(); len(got) != 3 || got[0] != "PORT" || got[1] != "VLAN" || got[2] != "VLAN_MEMBER" {
		t.Fatalf("tables %v", got)
	}
	// The first Pops is the dump of every table, empty ones included, at once.
	dump, err := g.Pops(ctx)
	if err != nil || len(dump) != 3 || dump[0].Table != "PORT" || len(dump[0].Entries) != 0 ||
		dump[1].Table != "VLAN" || len(dump[1].Entries) != 1 || dump[1].Entries[0].Key != "Vlan10" ||
		dump[2].Table != "VLAN_MEMBER" || len(dump[2].Entries) != 1 || dump[2].Entries[0].Key != "Vlan10|Ethernet0" {
		t.Fatalf("dump %+v, %v", dump, err)
	}
	// Changes of all the tables, in write order; other tables and keys
	// without a row key are dropped.
	raw.HSet(ctx, "PORTCHANNEL|PortChannel1", "mtu", "9100")
	raw.HSet(ctx, "VLAN|", "vlanid", "1")
	raw.HSet(ctx, "PORT|Ethernet0", "lanes", "0,1,2,3")
	raw.Del(ctx, "VLAN_MEMBER|Vlan10|Ethernet0")
	raw.HSet(ctx, "VLAN|Vlan20", "vlanid", "20")
	raw.HSet(ctx, "VLAN|Vlan20", "mtu", "1500")
	raw.Del(ctx, "VLAN|Vlan10")
	type change struct{ table, key, op string }
	var seen []change
	last := map[string]swss.KeyOpFieldValues{}
	for len(last) < 4 || last["VLAN|Vlan20"].Fields.Map()["mtu"] != "1500" {
		for _, tc := range groupPopAll(t, ctx, g, 1) {
			for _, e := range tc.Entries {
				seen = append(seen, change{tc.Table, e.Key, e.Op})
				last[tc.Table+"|"+e.Key] = e
			}
		}
	}
	if last["PORT|Ethernet0"].Op != swss.OpSet || last["VLAN_MEMBER|Vlan10|Ethernet0"].Op != swss.OpDel ||
		last["VLAN|Vlan10"].Op != swss.OpDel || last["VLAN|Vlan20"].Fields.Map()["vlanid"] != "20" || len(last) != 4 {
		t.Fatalf("changes %+v", seen)
	}
	// The first delivery of each row follows the write order.
	first := map[string]int{}
	for i, c := range seen {
		if _, ok := first[c.table+"|"+c.key]; !ok {
			first[c.table+"|"+c.key] = i
		}
	}
	if !(first["PORT|Ethernet0"] < first["VLAN_MEMBER|Vlan10|Ethernet0"] && first["VLAN_MEMBER|Vlan10|Ethernet0"] < first["VLAN|Vlan20"]) {
		t.Fatalf("out of write order: %+v", seen)
	}
	// Close ends a blocked Pops.
	done := make(chan error, 1)
	go func() { _, err := g.Pops(context.Background()); done <- err }()
	g.Close()
	if err := <-done; err == nil {
		t.Fatal("Pops after Close returned no error")
	}
}
