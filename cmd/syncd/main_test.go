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

	"github.com/vltgw/vltgw/platform/vs"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
	"github.com/vltgw/vltgw/swss"
	"github.com/vltgw/vltgw/swss/redistest"
	"github.com/vltgw/vltgw/syncd"
)

// TestMain runs syncd's main when re-executed as the daemon process.
func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv("SYNCD_TEST_ARGS"); ok {
		os.Args = append([]string{"syncd"}, strings.Fields(args)...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func daemon(t *testing.T, args string) (*exec.Cmd, *bytes.Buffer, chan error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SYNCD_TEST_ARGS="+args)
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

// TestDaemonProcess: the real process, against redis and platform/vs on a
// unix socket, answers queue items on GETRESPONSE, writes ASIC_DB, and
// stops cleanly (exit 0) on SIGTERM.
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

	cmd, stderr, exited := daemon(t, "-redis-socket "+srv.Socket+" -hal "+sock+" -log-level debug")
	asic := srv.DB(swss.AsicDB)
	prod := syncd.NewRedisProducer(asic.Client, asic.ID, syncd.AsicStateTable)
	replies := syncd.NewRedisQueue(asic.Client, asic.ID, syncd.GetResponseTable, 16)
	defer replies.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second) // guards a hung test only
	defer cancel()
	items := []syncd.Item{
		{Key: "SAI_OBJECT_TYPE_SWITCH:oid:0x21000000000000", Op: "create", Fields: []syncd.FV{
			{Field: "SAI_SWITCH_ATTR_INIT_SWITCH", Value: "true"}, {Field: "SAI_SWITCH_ATTR_SRC_MAC_ADDRESS", Value: "02:00:00:00:00:AA"}}},
		{Key: "SAI_OBJECT_TYPE_VLAN:oid:0x26000000001000", Op: "create", Fields: []syncd.FV{{Field: "SAI_VLAN_ATTR_VLAN_ID", Value: "10"}}},
		{Key: "SAI_OBJECT_TYPE_VLAN:oid:0x26000000001001", Op: "create", Fields: []syncd.FV{{Field: "SAI_VLAN_ATTR_VLAN_ID", Value: "ten"}}},
	}
	if err := prod.Push(ctx, items); err != nil {
		t.Fatal(err)
	}
	var got []syncd.Item
	for len(got) < len(items) {
		r, err := replies.Pop(ctx)
		if err != nil {
			t.Fatalf("replies: %v; syncd log:\n%s", err, stderr.String())
		}
		got = append(got, r...)
	}
	for i, want := range []string{"SAI_STATUS_SUCCESS", "SAI_STATUS_SUCCESS", "SAI_STATUS_INVALID_ATTR_VALUE"} {
		if got[i].Key != want || got[i].Op != "getresponse" {
			t.Errorf("reply %d %+v, want %s", i, got[i], want)
		}
	}
	if v := asic.Client.HGet(ctx, "ASIC_STATE:SAI_OBJECT_TYPE_VLAN:oid:0x26000000001000", "SAI_VLAN_ATTR_VLAN_ID").Val(); v != "10" {
		t.Errorf("VLAN row: %q", v)
	}
	rid, err := asic.Client.HGet(ctx, "VIDTORID", "oid:0x26000000001000").Result()
	if err != nil {
		t.Fatal(err)
	}
	vlans, _ := sw.List(halv1.ObjectType_OBJECT_TYPE_VLAN)
	found := false
	for _, o := range vlans {
		if "oid:0x"+strconvHex(o.GetKey().GetOid()) == rid {
			found = true
		}
	}
	if !found {
		t.Errorf("VIDTORID names %s, not a VLAN of the platform", rid)
	}
	if row := srv.DB(swss.StateDB).Client.HGetAll(ctx, "SYNCD_ERROR_TABLE|SAI_OBJECT_TYPE_VLAN:oid:0x26000000001001").Val(); row["status"] != "SAI_STATUS_INVALID_ATTR_VALUE" {
		t.Errorf("error row %v", row)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, stderr.String())
		}
	case <-ctx.Done():
		t.Fatal("no exit after SIGTERM")
	}
	if !strings.Contains(stderr.String(), "syncd stopped") {
		t.Errorf("log does not end with the stop:\n%s", stderr.String())
	}
}

func strconvHex(v uint64) string {
	const h = "0123456789abcdef"
	if v == 0 {
		return "0"
	}
	var b []byte
	for ; v > 0; v >>= 4 {
		b = append([]byte{h[v&15]}, b...)
	}
	return string(b)
}

func TestBadFlag(t *testing.T) {
	_, stderr, exited := daemon(t, "-log-level loud")
	select {
	case err := <-exited:
		if err == nil || !strings.Contains(stderr.String(), "syncd:") || !strings.Contains(stderr.String(), "loud") {
			t.Fatalf("exit %v, stderr %q", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no exit")
	}
}

// TestNoPlatform: with no HAL socket the daemon waits (retrying) and still
// stops on SIGTERM with exit 0.
func TestNoPlatform(t *testing.T) {
	srv := redistest.Start(t)
	cmd, stderr, exited := daemon(t, "-redis-socket "+srv.Socket+" -hal "+filepath.Join(t.TempDir(), "none.sock"))
	// Its signal handler is installed before it connects to redis: wait
	// for its two connections (ASIC_DB, STATE_DB) besides ours.
	probe := srv.DB(swss.AsicDB).Client
	deadline := time.Now().Add(30 * time.Second) // guards a hung test only
	for {
		n := strings.Count(probe.ClientList(context.Background()).Val(), "\n")
		if n >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("daemon never connected to redis:\n%s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
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
