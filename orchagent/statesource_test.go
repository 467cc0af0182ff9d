package orchagent

import (
	"context"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/swss"
	"github.com/vltgw/vltgw/swss/redistest"
)

// TestStateSourceThroughMux: StateTable tables come from STATE_DB (dump at
// Snapshot, then whole rows and deletions), the others from the APP_DB
// source.
func TestStateSourceThroughMux(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	app, state := srv.DB(swss.ApplDB), srv.DB(swss.StateDB)
	state.Client.HSet(ctx, "VLT_PEER_TABLE|1", "peer_mac", "00:01:e8:00:00:0d", "oper_status", "up")
	swss.NewProducerStateTable(app, AppVlanTable).Set(ctx, "Vlan10", swss.FieldValues{{Field: "NULL", Value: "NULL"}})
	src := WithStateSource(NewRedisSource(app, zerolog.Nop()), NewStateSource(state, zerolog.Nop()))
	peer := StateTable("VLT_PEER_TABLE")
	if err := src.Open(ctx, []string{AppVlanTable, peer}); err != nil {
		t.Fatal(err)
	}
	snap, err := src.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Change{}
	for _, ch := range snap {
		got[ch.Table+"/"+ch.Key] = ch
	}
	if ch := got[peer+"/1"]; ch.Op != OpSet || ch.Fields["oper_status"] != "up" || ch.Fields["peer_mac"] != "00:01:e8:00:00:0d" {
		t.Fatalf("snapshot %v", snap)
	}
	if ch := got[AppVlanTable+"/Vlan10"]; ch.Op != OpSet {
		t.Fatalf("snapshot %v", snap)
	}
	runCtx, cancel := context.WithCancel(ctx)
	out := make(chan []Change, 16)
	done := make(chan struct{})
	go func() { defer close(done); src.Run(runCtx, out) }()
	defer func() { cancel(); <-done; src.Close() }()
	next := func() Change {
		t.Helper()
		select {
		case chs := <-out:
			return chs[0]
		case <-time.After(10 * time.Second):
			t.Fatal("no change delivered")
		}
		return Change{}
	}
	state.Client.HSet(ctx, "VLT_PEER_TABLE|1", "oper_status", "down")
	if ch := next(); ch.Table != peer || ch.Key != "1" || ch.Op != OpSet || ch.Fields["oper_status"] != "down" || ch.Fields["peer_mac"] == "" {
		t.Fatalf("update %+v", ch)
	}
	state.Client.Del(ctx, "VLT_PEER_TABLE|1")
	if ch := next(); ch.Table != peer || ch.Op != OpDel {
		t.Fatalf("delete %+v", ch)
	}
	swss.NewProducerStateTable(app, AppVlanTable).Del(ctx, "Vlan10")
	if ch := next(); ch.Table != AppVlanTable || ch.Op != OpDel {
		t.Fatalf("APP_DB delete %+v", ch)
	}
}
