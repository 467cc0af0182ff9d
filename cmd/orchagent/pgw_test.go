package main

import (
	"context"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/hal/halclient"
	"github.com/vltgw/vltgw/platform/vs"
	"github.com/vltgw/vltgw/swss"
	"github.com/vltgw/vltgw/swss/redistest"
	"github.com/vltgw/vltgw/syncd"
)

// TestDaemonProxyGateway: the process runs the proxy-gateway orch — a VLT
// domain with peer routing and a VLAN interface give the peer MAC's MY_MAC
// entry in ASIC_DB — and -hal gives CRM_TABLE|my_mac the platform's
// capacity.
func TestDaemonProxyGateway(t *testing.T) {
	srv := redistest.Start(t)
	cfg, err := vs.LoadConfig("../../platform/vs/testdata/single.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Capacity.MyMAC = 100
	sw, err := vs.New(cfg, vs.Options{Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(t.TempDir(), "hal.sock")
	hs, err := vs.Listen(sw, vs.ServeOptions{HALSocket: sock})
	if err != nil {
		t.Fatal(err)
	}
	hs.Start()
	t.Cleanup(func() { hs.Stop(time.Second); sw.Close() })
	asic, state := srv.DB(swss.AsicDB), srv.DB(swss.StateDB)
	s, err := syncd.New(syncd.Config{
		ASIC: asic.Client, State: state.Client,
		Queue:     syncd.NewRedisQueue(asic.Client, asic.ID, syncd.AsicStateTable, 1024),
		Responder: syncd.NewRedisProducer(asic.Client, asic.ID, syncd.GetResponseTable),
		Notifier:  syncd.NewRedisNotifier(asic.Client, syncd.NotificationsCh),
		HAL:       halclient.Options{Address: sock},
		Logger:    zerolog.Nop(),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	cmd, stderr, exited := daemon(t, "-redis-socket "+srv.Socket+" -hal "+sock)
	app := srv.DB(swss.ApplDB)
	bg := context.Background()
	for _, r := range []struct{ table, key, f, v string }{
		{"VLAN_TABLE", "Vlan10", "admin_status", "up"},
		{"INTF_TABLE", "Vlan10", "NULL", "NULL"},
		{"VLT_DOMAIN_TABLE", "2", "peer_routing", "true"},
		{"VLT_DOMAIN_TABLE", "2", "peer_mac", "00:01:e8:00:01:0d"},
	} {
		if err := swss.NewProducerStateTable(app, r.table).Set(bg, r.key, swss.FieldValues{{Field: r.f, Value: r.v}}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(60 * time.Second) // guards a hung test only
	for {
		keys, _ := asic.Client.Keys(bg, "ASIC_STATE:SAI_OBJECT_TYPE_MY_MAC:*").Result()
		crm := state.Client.HGetAll(bg, "CRM_TABLE|my_mac").Val()
		if len(keys) == 1 && crm["capacity"] == "100" && crm["available"] == "99" {
			f := asic.Client.HGetAll(bg, keys[0]).Val()
			if f["SAI_MY_MAC_ATTR_MAC_ADDRESS"] != "00:01:E8:00:01:0D" || f["SAI_MY_MAC_ATTR_VLAN_ID"] != "10" {
				t.Fatalf("MY_MAC %v", f)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no MY_MAC / CRM (keys %v, CRM %v); orchagent log:\n%s", keys, crm, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no exit after SIGTERM")
	}
	if strings.Contains(stderr.String(), `"level":"error"`) {
		t.Fatalf("errors logged:\n%s", stderr.String())
	}
}
