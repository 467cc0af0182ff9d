package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
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

// TestMain runs orchagent's main when re-executed as the daemon process.
func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv("ORCHAGENT_TEST_ARGS"); ok {
		os.Args = append([]string{"orchagent"}, strings.Fields(args)...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func daemon(t *testing.T, args string) (*exec.Cmd, *bytes.Buffer, chan error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ORCHAGENT_TEST_ARGS="+args)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	return cmd, &stderr, exited
}

// TestDaemonProcess: the real process, against redis, an in-process syncd
// and platform/vs, turns APP_DB rows into ASIC_DB objects and stops
// cleanly (exit 0) on SIGTERM.
func TestDaemonProcess(t *testing.T) {
	srv := redistest.Start(t)
	cfg, err := vs.LoadConfig("../../platform/vs/testdata/single.yaml")
	if err != nil {
		t.Fatal(err)
	}
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

	cmd, stderr, exited := daemon(t, "-redis-socket "+srv.Socket+" -mac 02:00:00:00:00:aa")
	app := srv.DB(swss.ApplDB)
	if err := swss.NewProducerStateTable(app, "VLAN_TABLE").Set(context.Background(), "Vlan10", swss.FieldValues{{Field: "admin_status", Value: "up"}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second) // guards a hung test only
	for {
		keys, _ := asic.Client.Keys(context.Background(), "ASIC_STATE:SAI_OBJECT_TYPE_VLAN:*").Result()
		mac := asic.Client.HGet(context.Background(), "ASIC_STATE:SAI_OBJECT_TYPE_SWITCH:oid:0x21000000000000", "SAI_SWITCH_ATTR_SRC_MAC_ADDRESS").Val()
		if len(keys) == 1 && mac == "02:00:00:00:00:AA" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ASIC_DB not written (VLANs %v, switch MAC %q); orchagent log:\n%s", keys, mac, stderr.String())
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
}

func TestBadFlag(t *testing.T) {
	_, stderr, exited := daemon(t, "-mac not-a-mac")
	select {
	case err := <-exited:
		if err == nil || !strings.Contains(stderr.String(), `-mac "not-a-mac" is not a MAC address`) {
			t.Fatalf("exit %v, stderr %q", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no exit")
	}
}
