package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vltgw/vltgw/cli"
	"github.com/vltgw/vltgw/swss/redistest"
)

// TestMain runs cfgmgrd's main when re-executed as the daemon process.
func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv("CFGMGRD_TEST_ARGS"); ok {
		os.Args = append([]string{"cfgmgrd"}, strings.Fields(args)...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestDaemonProcess: the real process applies `vltgw config load` of the
// example switch and stops cleanly (exit 0) on SIGTERM.
func TestDaemonProcess(t *testing.T) {
	srv := redistest.Start(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "CFGMGRD_TEST_ARGS=-redis-socket "+srv.Socket)
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

	app := cli.New("vltgw")
	if err := cli.Builtin(app); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := app.Run(context.Background(), []string{"--socket", srv.Socket, "config", "load", "../../lab/examples/single-switch/config_db.json"}, &out, &errb); code != 0 {
		t.Fatalf("config load: %s", errb.String())
	}
	appDB := srv.Client(0)
	deadline := time.Now().Add(60 * time.Second) // guards a hung test only
	for appDB.SCard(context.Background(), "VLAN_MEMBER_TABLE_KEY_SET").Val() < 5 ||
		appDB.SCard(context.Background(), "ROUTE_TABLE_KEY_SET").Val() < 1 {
		if time.Now().After(deadline) {
			t.Fatalf("APP_DB not written; cfgmgrd log:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-exited; err != nil {
		t.Fatalf("cfgmgrd exit: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), `"message":"stopped"`) {
		t.Fatalf("no clean-stop log:\n%s", stderr.String())
	}
	if n := srv.Client(6).Keys(context.Background(), "CFG_ERROR_TABLE|*").Val(); len(n) != 0 {
		t.Fatalf("example config rejected rows: %v", n)
	}
}
