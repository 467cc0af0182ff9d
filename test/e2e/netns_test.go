package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/vltgw/vltgw/lab"
	vsv1 "github.com/vltgw/vltgw/proto/vs/v1"
)

// needRoot fails under CI=true (CI runs as root: real hosts are part of
// the contract there) and skips elsewhere, when network namespaces cannot
// be made.
func needRoot(t *testing.T) {
	t.Helper()
	reason := ""
	if os.Geteuid() != 0 {
		reason = fmt.Sprintf("netns hosts need root (uid %d)", os.Geteuid())
	} else if _, err := exec.LookPath("ip"); err != nil {
		reason = "netns hosts need iproute2's ip: " + err.Error()
	}
	if reason == "" {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal(reason + " (CI=true: this must run in CI)")
	}
	t.Skip(reason)
}

// netnsLeft lists the namespaces and interfaces named for a run id.
func netnsLeft(runID string) []string {
	var out []string
	for _, dir := range []string{"/var/run/netns", "/run/netns"} {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if strings.Contains(e.Name(), "-"+runID+"-") {
				out = append(out, "netns "+e.Name())
			}
		}
	}
	ents, _ := os.ReadDir("/sys/class/net")
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "vg"+runID) {
			out = append(out, "interface "+e.Name())
		}
	}
	return out
}

// TestSquareNetnsHosts: lab/square-vlt.yaml with hosts_mode netns. VM1 is
// a network namespace plugged at C1:Ethernet0 (where it migrated to) whose
// ARP cache still maps its gateway 10.10.0.2 to C's MAC; S a namespace at
// D1:Ethernet0. A UDP datagram from a socket in VM1's namespace reaches a
// socket in S's namespace with TTL 63 (routed once) from 10.10.0.100; C1's
// routed_my_mac moved by one and no other switch's; no copy crossed
// PortChannel100; VM1 pings S. The guided demo says the same. After lab
// down, no namespace, veth or process of the lab is left.
func TestSquareNetnsHosts(t *testing.T) {
	needRoot(t)
	bin := daemons(t)
	const topoPath = "../../lab/square-vlt.yaml"
	topo, err := lab.LoadTopology(topoPath)
	if err != nil {
		t.Fatal(err)
	}
	runDir := t.TempDir()
	runID := lab.RunID(runDir)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var progress bytes.Buffer
	start := time.Now()
	l, rep, err := lab.Up(ctx, topo, topoPath, lab.Options{BinDir: bin, RunDir: runDir, Timeout: 60 * time.Second,
		Grace: 3 * time.Second, SoftGrace: 20 * time.Second, Progress: &progress, HostsMode: lab.HostsNetns})
	downed := false
	down := func() {
		if l == nil || downed {
			return
		}
		downed = true
		dctx, dcancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer dcancel()
		if err := l.Down(dctx, false); err != nil {
			t.Errorf("lab down: %v", err)
		}
	}
	t.Cleanup(func() {
		if t.Failed() {
			logTails(t, runDir)
		}
		down()
		if left := lab.Leftovers(runDir); len(left) > 0 {
			t.Errorf("processes left behind:\n%s", strings.Join(left, "\n"))
		}
		if left := netnsLeft(runID); len(left) > 0 {
			t.Errorf("left behind after lab down: %s", strings.Join(left, ", "))
			for _, x := range left { // do not leak them into the next run
				kind, name, _ := strings.Cut(x, " ")
				if kind == "netns" {
					_ = exec.Command("ip", "netns", "del", name).Run()
				} else {
					_ = exec.Command("ip", "link", "del", name).Run()
				}
			}
		}
	})
	if err != nil {
		t.Fatalf("lab up: %v\n%s", err, progress.String())
	}
	if !strings.Contains(progress.String(), "hosts: netns (hosts_mode netns)") {
		t.Errorf("lab up does not say the hosts are namespaces:\n%s", progress.String())
	}
	for _, s := range rep.Switches {
		for _, c := range s.Checks {
			if !c.OK {
				t.Fatalf("lab up but %s: %s: %s", s.Name, c.Name, c.Detail)
			}
		}
	}
	t.Logf("lab up with netns hosts in %s", time.Since(start).Round(time.Millisecond))
	if l.State.HostsMode != lab.HostsNetns || len(l.State.Hosts) != 2 || len(l.State.Created) != 4 {
		t.Fatalf("state: hosts mode %q, hosts %+v, created %+v", l.State.HostsMode, l.State.Hosts, l.State.Created)
	}
	vm, ok1 := l.NetnsHost("VM1")
	srv, ok2 := l.NetnsHost("S")
	if !ok1 || !ok2 || vm.At != "C1:Ethernet0" || srv.At != "D1:Ethernet0" {
		t.Fatalf("hosts: VM1 %+v, S %+v", vm, srv)
	}
	for _, o := range l.State.Created {
		path := "/sys/class/net/" + o.Name
		if o.Kind == "netns" {
			path = "/var/run/netns/" + o.Name
		}
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("%s %s recorded but absent: %v", o.Kind, o.Name, err)
		}
	}

	f := &fixture{lab: l, topo: topo, runDir: runDir, ctl: map[string]vsv1.VsControlClient{}, interconnect: map[lab.Endpoint]bool{}}
	for _, s := range topo.Switches {
		c, err := lab.LoadSwitchConfig(topo.Path(s.Config))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range c.LAGMembers(interconnectLAG) {
			f.interconnect[lab.Endpoint{Switch: s.Name, Port: m}] = true
		}
		r, _ := l.Run(s.Name)
		cc, err := grpc.NewClient("unix://"+r.ControlSocket, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cc.Close() })
		f.ctl[s.Name] = vsv1.NewVsControlClient(cc)
	}

	t.Run("udp socket to socket", func(t *testing.T) {
		rx, err := lab.ListenUDP(srv, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer rx.Close()
		marker := fmt.Sprintf("e2e-netns-%d", time.Now().UnixNano())
		if _, err := f.captured(ctx, "e2e-"); err != nil {
			t.Fatal(err)
		}
		before, err := f.routedMyMAC(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := lab.SendUDP(vm, rx.Addr, ttl, []byte(marker)); err != nil {
			t.Fatal(err)
		}
		got, err := rx.Receive(ctx, []byte(marker), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if got.TTL != ttl-1 || got.From.Addr() != ipVM {
			t.Errorf("S's socket got the datagram from %s with TTL %d, want from %s with TTL %d (routed once)", got.From, got.TTL, ipVM, ttl-1)
		}
		// The copies: S's socket has it, so D1:Ethernet0 sent it; one
		// more look at every switch's captures.
		p := &probe{f: f, at: atC1, routed: map[string]uint64{}}
		p.sent, _ = lab.ParseFrame(vmFrame(t, macC, 0, marker))
		deadline := time.Now().Add(3 * time.Second)
		for {
			seen, err := f.captured(ctx, marker)
			if err != nil {
				t.Fatal(err)
			}
			p.seen = append(p.seen, seen...)
			delivered := false
			for _, s := range p.seen {
				delivered = delivered || s.At == atS
			}
			if delivered || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		after, err := f.routedMyMAC(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for sw, n := range after {
			p.routed[sw] = n - before[sw]
		}
		_, copies, _ := strings.Cut(p.String(), "\n") // its first line speaks of an injection
		t.Logf("VM1's socket → S's socket: received from %s with TTL %d\n%s", got.From, got.TTL, copies)
		f.expectRouted(t, p, "C1")
	})

	t.Run("ping", func(t *testing.T) {
		rtt, err := lab.Ping(ctx, vm, ipS, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("VM1 → S echo reply in %s", rtt.Round(time.Microsecond))
	})

	t.Run("guided demo", func(t *testing.T) {
		var out bytes.Buffer
		results, err := lab.Demo(ctx, l, &out)
		t.Logf("demo:\n%s", out.String())
		if err != nil {
			t.Fatal(err)
		}
		r := results[0]
		if r.Received == nil || r.Received.TTL != ttl-1 || r.Received.From.Addr() != netip.MustParseAddr("10.10.0.100") || r.RoutedMyMAC != 1 {
			t.Fatalf("demo's routed case: received %+v, routed_my_mac +%d; want TTL %d from VM1, +1", r.Received, r.RoutedMyMAC, ttl-1)
		}
		if !strings.Contains(out.String(), "S's socket (netns "+srv.Netns+") received") {
			t.Errorf("demo output does not show S's socket:\n%s", out.String())
		}
	})

	// lab down removes the namespaces and veths (checked again at cleanup
	// by name, with the processes).
	down()
	if left := netnsLeft(runID); len(left) > 0 {
		t.Errorf("left behind after lab down: %s", strings.Join(left, ", "))
	}
	if _, err := os.Stat(runDir + "/" + lab.StateFile); !os.IsNotExist(err) {
		t.Errorf("state file still there after lab down: %v", err)
	}
}
