package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vltgw/vltgw/cli"
	"github.com/vltgw/vltgw/lab"
)

// peerTimeout is the peer_routing_timeout of domain 1 in the
// square-vlt-peertimeout variant, in seconds.
const peerTimeout = "3"

// peerTimeoutTopology writes lab/square-vlt.yaml and its configs into a
// temp dir as topology square-vlt-peertimeout, with peer_routing_timeout
// set to peerTimeout on domain 1 (C and D), and returns its path.
func peerTimeoutTopology(t *testing.T) string {
	t.Helper()
	const name = "square-vlt-peertimeout"
	dir := t.TempDir()
	b, err := os.ReadFile("../../lab/square-vlt.yaml")
	if err != nil {
		t.Fatal(err)
	}
	nameLine := regexp.MustCompile(`(?m)^name: square-vlt[ \t]*$`)
	if len(nameLine.FindAllIndex(b, -1)) != 1 {
		t.Fatalf("lab/square-vlt.yaml has no single \"name: square-vlt\" line; cannot derive %s", name)
	}
	y := nameLine.ReplaceAllString(string(b), "name: "+name)
	y = strings.ReplaceAll(y, "config: square-vlt/", "config: "+name+"/")
	base, err := lab.LoadTopology("../../lab/square-vlt.yaml")
	if err != nil {
		t.Fatal(err)
	}
	set := 0
	for _, s := range base.Switches {
		src := base.Path(s.Config)
		raw, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		var cfg map[string]map[string]map[string]any
		if err := json.Unmarshal(raw, &cfg); err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if d := cfg["VLT_DOMAIN"]["1"]; d != nil {
			if d["peer_link"] != "PortChannel1" || d["peer_routing"] != "true" {
				t.Fatalf("%s: VLT_DOMAIN|1 %v: want peer_link PortChannel1 and peer_routing true", src, d)
			}
			d["peer_routing_timeout"] = peerTimeout
			set++
		}
		out, err := json.MarshalIndent(cfg, "", "    ")
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, name, s.Name, "config_db.json")
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, append(out, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if set != 2 {
		t.Fatalf("domain 1 is on %d switches of lab/square-vlt.yaml, want 2 (C and D)", set)
	}
	path := filepath.Join(dir, name+".yaml")
	if err := os.WriteFile(path, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// showVltBrief runs `vltgw show vlt brief` against a switch's redis.
func (f *fixture) showVltBrief(t *testing.T, ctx context.Context, sw string) string {
	t.Helper()
	r, ok := f.lab.Run(sw)
	if !ok {
		t.Fatalf("no switch %s", sw)
	}
	app := cli.New("vltgw")
	if err := cli.Builtin(app); err != nil {
		t.Fatal(err)
	}
	if err := cli.Vlt(app); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := app.Run(ctx, []string{"--socket", r.RedisSocket, "show", "vlt", "brief"}, &out, &errb); code != 0 {
		t.Fatalf("vltgw show vlt brief on %s: exit %d: %s", sw, code, errb.String())
	}
	return out.String()
}

// TestPeerRoutingTimeoutOnNodeFailure: no VLT daemon runs, so C takes its
// VLT peer D's status from the VLTi (PortChannel1). D fails (lab
// StopSwitch): C's peer link goes oper-down, C reports the peer down and
// keeps routing frames sent to D's MAC for peer_routing_timeout (3 s here);
// then D's MY_MAC entries leave C's platform and such a frame is no longer
// routed at C. The measured times are logged, not asserted.
func TestPeerRoutingTimeoutOnNodeFailure(t *testing.T) {
	f := up(t, peerTimeoutTopology(t))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	casic, cstate := f.dbs(t, "C")
	atC := lab.Endpoint{Switch: "C", Port: "Ethernet0"}
	cEth8 := lab.Endpoint{Switch: "C", Port: "Ethernet8"} // C's interconnect port: the way to 10.20.0.0/24 (Vlan30, via C1)
	link := "peer-link PortChannel1 oper status"
	pgRow := func() map[string]string { return cstate.HGetAll(ctx, "VLT_PROXY_GW_TABLE|1").Val() }
	dOnPlatform := func() (bool, map[uint64]string) {
		m, err := f.platformMyMAC(ctx, "C")
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(slices.Collect(maps.Values(m)), func(s string) bool { return strings.HasPrefix(s, macD) }), m
	}
	// routedAtC checks a frame to D's MAC was routed by C through a MY_MAC
	// entry (and by no other switch so): TTL−1, source C's MAC, out to C1.
	routedAtC := func(p *probe) {
		t.Helper()
		for sw, n := range p.routed {
			if want := map[string]uint64{"C": 1}[sw]; n != want {
				t.Errorf("%s's routed_my_mac +%d, want +%d\n%s", sw, n, want, p)
			}
		}
		out := 0
		for _, s := range p.seen {
			if s.At == cEth8 {
				out++
				if s.Frame.Src.String() != macC || s.Frame.Dst.String() != macC1 || s.Frame.TTL != ttl-1 {
					t.Errorf("C sent %s; want it routed by C (source %s, TTL %d) to C1", s.Frame, macC, ttl-1)
				}
			}
		}
		if out != 1 {
			t.Errorf("%d copies left %s, want 1 (routed towards C1)\n%s", out, cEth8, p)
		}
	}

	// Before: D is up; C knows it from the peer link and routes D's MAC.
	waitFor(t, ctx, "C reports its VLT peer up from the peer link", func() bool {
		r := pgRow()
		return r["peer_status"] == "up" && r["peer_status_source"] == link && r["peer_routing_expires_in"] == ""
	})
	if in, m := dOnPlatform(); !in || !installed(t, ctx, casic)[lab.MyMAC{MAC: macD, VLAN: 10}] {
		t.Fatalf("C has no MY_MAC entry for D's MAC on Vlan10 while D is up: platform %v", m)
	}
	if got := f.showVltBrief(t, ctx, "C"); !strings.Contains(got, "Peer Status           : up ("+link+")\n") ||
		!strings.Contains(got, "Peer Routing          : enabled, timeout "+peerTimeout+" s\n") {
		t.Errorf("show vlt brief on C with D up:\n%s", got)
	}
	routedAtC(f.send(t, ctx, atC, macD, 0, cEth8))

	// D fails. The stop runs aside: the probe must come while the timeout
	// runs, whatever the rest of the stop takes.
	stopped := make(chan error, 1)
	go func() { stopped <- f.lab.StopSwitch(context.Background(), "D") }()
	t.Cleanup(func() { <-stopped }) // before the lab goes down
	downAfter := waitFor(t, ctx, "C reports its VLT peer down (peer link PortChannel1 oper-down)", func() bool {
		return pgRow()["peer_status"] == "down"
	})
	downAt := time.Now()
	row := pgRow()
	if row["peer_status_source"] != link {
		t.Errorf("C's VLT_PROXY_GW_TABLE|1 %v: want the peer link as the source", row)
	}
	lag, _ := cstate.HGet(ctx, "LAG_TABLE|PortChannel1", "oper_status").Result()
	// D's platform must be gone before the probe reads every live
	// switch's counters.
	waitFor(t, ctx, "D's vsd gone", func() bool { return !f.vsdAlive("D") })
	probeAt := time.Since(downAt)
	p := f.send(t, ctx, atC, macD, 0, cEth8)
	in, m := dOnPlatform()
	t.Logf("D stopping: C saw its peer down %s after the stop began (LAG_TABLE|PortChannel1 %q; row %v); probe injected %s after that",
		downAfter.Round(time.Millisecond), lag, row, probeAt.Round(time.Millisecond))
	if !in && p.routed["C"] == 0 {
		t.Fatalf("D's MY_MAC entries already gone from C's platform (%v) %s after C saw the peer down, before the probe was routed: "+
			"the timeout (%s s) ended before the check (a machine this loaded cannot show the window)", m, time.Since(downAt).Round(time.Millisecond), peerTimeout)
	}
	routedAtC(p)
	if got := f.showVltBrief(t, ctx, "C"); !strings.Contains(got, "Peer Status           : down ("+link+")\n") {
		t.Errorf("show vlt brief on C with D down:\n%s", got)
	}

	// The timeout ends: D's entries leave C's ASIC_DB and platform.
	waitFor(t, ctx, "D's MY_MAC entries gone from C's ASIC_DB", func() bool {
		m, err := lab.InstalledMyMAC(ctx, casic)
		return err == nil && !slices.ContainsFunc(slices.Collect(maps.Keys(m)), func(e lab.MyMAC) bool { return e.MAC == macD })
	})
	goneASIC := time.Since(downAt)
	waitFor(t, ctx, "D's MY_MAC objects gone from C's platform", func() bool { in, _ := dOnPlatform(); return !in })
	gonePlatform := time.Since(downAt)
	waitFor(t, ctx, "C's report of the ended timeout", func() bool {
		r := pgRow()
		return r["peer_status"] == "down" && r["peer_routing_expires_in"] == "" &&
			cstate.Exists(ctx, "VLT_PROXY_GW_REMOTE_MAC_TABLE|1|"+macD).Val() == 0
	})
	t.Logf("peer_routing_timeout %s s: D's MY_MAC entries gone from C's ASIC_DB %s and from its platform %s after C saw the peer link down",
		peerTimeout, goneASIC.Round(time.Millisecond), gonePlatform.Round(time.Millisecond))

	p = f.send(t, ctx, atC, macD, 0, cEth8)
	if p.routed["C"] != 0 {
		t.Errorf("C still routes frames to D's MAC after the timeout (routed_my_mac +%d)\n%s", p.routed["C"], p)
	}
	for _, s := range p.seen {
		if s.At.Switch == "C" && (s.Frame.TTL != ttl || s.Frame.Src.String() != macVM) {
			t.Errorf("%s sent %s: routed, want it bridged unchanged or dropped", s.At, s.Frame)
		}
	}
	got := f.showVltBrief(t, ctx, "C")
	if !strings.Contains(got, "Peer Status           : down ("+link+")\nPeer Routing          : enabled, timeout "+peerTimeout+" s\n") {
		t.Errorf("show vlt brief on C after the timeout:\n%s", got)
	}
	t.Logf("show vlt brief on C after the timeout:\n%s", got)
	if err := <-stopped; err != nil {
		t.Errorf("stop D: %v", err)
	}
	stopped <- nil // for the cleanup
}

// TestPeerTimeoutTopologyConfig: the generated variant passes the lab's
// config checks and yanglint, and sets the timeout on domain 1 only.
func TestPeerTimeoutTopologyConfig(t *testing.T) {
	topo, cfgs := checkTopology(t, peerTimeoutTopology(t))
	if topo.Name != "square-vlt-peertimeout" {
		t.Errorf("topology %s", topo.Name)
	}
	for _, s := range topo.Switches {
		want := "0"
		if s.Domain == 1 {
			want = peerTimeout
		}
		got := cfgs[s.Name].Get("VLT_DOMAIN", strconv.Itoa(s.Domain))["peer_routing_timeout"]
		if got != want {
			t.Errorf("%s: VLT_DOMAIN|%d peer_routing_timeout %q, want %q", s.Name, s.Domain, got, want)
		}
	}
}
