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

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
	vsv1 "github.com/vltgw/vltgw/proto/vs/v1"
)

// TestMain runs vsd's main when re-executed as the daemon process.
func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv("VSD_TEST_ARGS"); ok {
		os.Args = append([]string{"vsd"}, strings.Fields(args)...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func start(t *testing.T, args string) (*exec.Cmd, *bytes.Buffer, chan error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "VSD_TEST_ARGS="+args)
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

// TestDaemonProcess: the real process serves the HAL and the control
// service on unix sockets and stops cleanly (exit 0, sockets removed, a
// shutdown event on Subscribe) on SIGTERM.
func TestDaemonProcess(t *testing.T) {
	dir, err := os.MkdirTemp("", "vsd")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	hal, ctlSock := filepath.Join(dir, "hal.sock"), filepath.Join(dir, "ctl.sock")
	cmd, stderr, exited := start(t, "--config ../../platform/vs/testdata/single.yaml --socket "+hal+" --control-socket "+ctlSock+" --my-mac-capacity 1000")
	deadline := time.Now().Add(30 * time.Second) // guards a hung test only
	for {
		if _, err := os.Stat(ctlSock); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("vsd did not listen; log:\n%s", stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cc, err := grpc.NewClient("unix://"+hal, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	client := halv1.NewHalClient(cc)
	hello, err := client.Hello(ctx, &halv1.HelloRequest{Client: "vsd-test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(hello.GetPorts()) != 4 || hello.GetPorts()[3].GetName() != "Ethernet12" {
		t.Fatalf("ports %v", hello.GetPorts())
	}
	for _, tb := range hello.GetTables() {
		if tb.GetType() == halv1.ObjectType_OBJECT_TYPE_MY_MAC && tb.GetCapacity() != 1000 {
			t.Errorf("--my-mac-capacity ignored: %v", tb)
		}
	}
	ctlConn, err := grpc.NewClient("unix://"+ctlSock, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer ctlConn.Close()
	if _, err := vsv1.NewVsControlClient(ctlConn).Counters(ctx, &vsv1.CountersRequest{}); err != nil {
		t.Fatal(err)
	}
	events, err := client.Subscribe(ctx, &halv1.SubscribeRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := events.Recv(); err != nil {
		t.Fatal(err)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	shutdown := false
	for {
		ev, err := events.Recv()
		if err != nil {
			break
		}
		shutdown = shutdown || ev.GetSwitchShutdown() != nil
	}
	if !shutdown {
		t.Error("no switch shutdown event before the stream ended")
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit: %v; log:\n%s", err, stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("vsd did not stop on SIGTERM")
	}
	for _, s := range []string{hal, ctlSock} {
		if _, err := os.Stat(s); !os.IsNotExist(err) {
			t.Errorf("%s left behind", s)
		}
	}
}

// TestBadConfig: a broken platform file exits non-zero naming the problem.
func TestBadConfig(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("switch_mac: nope\nports: [{name: E0, lanes: [0]}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, stderr, exited := start(t, "--config "+bad+" --socket "+filepath.Join(dir, "hal.sock"))
	select {
	case err := <-exited:
		if err == nil || !strings.Contains(stderr.String(), "switch_mac") {
			t.Fatalf("exit %v, stderr %q", err, stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("vsd did not exit")
	}
}
