package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/vltgw/vltgw/lab"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
	vsv1 "github.com/vltgw/vltgw/proto/vs/v1"
	"github.com/vltgw/vltgw/swss"
)

// The reference scenario's names (spec §8).
const (
	macC  = "00:01:e8:00:00:0c"
	macD  = "00:01:e8:00:00:0d"
	macC1 = "00:01:e8:00:01:0c"
	macD1 = "00:01:e8:00:01:0d"
	macVM = "02:00:0a:0a:00:64" // VM1 10.10.0.100
	macS  = "02:00:0a:14:00:32" // S 10.20.0.50
	ttl   = 64
)

var (
	ipVM = netip.MustParseAddr("10.10.0.100")
	ipS  = netip.MustParseAddr("10.20.0.50")

	atC1   = lab.Endpoint{Switch: "C1", Port: "Ethernet0"} // where VM1 migrated to
	atS    = lab.Endpoint{Switch: "D1", Port: "Ethernet0"} // server S
	c1Eth8 = lab.Endpoint{Switch: "C1", Port: "Ethernet8"} // C1's end of the C–C1 cable
)

// interconnectLAG is the eVLT port-channel between the domains.
const interconnectLAG = "PortChannel100"

// The daemons, built once per test binary (without -race: they are
// processes under test, not the code the race detector watches here).
var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
	buildTook time.Duration
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

func daemons(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		start := time.Now()
		if buildDir, buildErr = os.MkdirTemp("", "vltgw-e2e-bin-"); buildErr != nil {
			return
		}
		buildErr = lab.BuildDaemons(context.Background(), buildDir)
		buildTook = time.Since(start)
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildDir
}

// fixture is a running lab with a control client per switch.
type fixture struct {
	lab    *lab.Lab
	topo   *lab.Topology
	runDir string
	// interconnect holds every switch's member ports of PortChannel100.
	interconnect map[lab.Endpoint]bool
	ctl          map[string]vsv1.VsControlClient
	hal          map[string]halv1.HalClient
	seq          atomic.Uint64
}

// up starts the lab of a topology file and registers its teardown: lab
// down, then no process of the lab may be left. On failure the tail of
// every daemon's log is logged.
func up(t *testing.T, topoPath string) *fixture {
	t.Helper()
	bin := daemons(t)
	topo, err := lab.LoadTopology(topoPath)
	if err != nil {
		t.Fatal(err)
	}
	runDir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	start := time.Now()
	var progress bytes.Buffer
	l, rep, err := lab.Up(ctx, topo, topoPath, lab.Options{BinDir: bin, RunDir: runDir, Timeout: 60 * time.Second,
		Grace: 3 * time.Second, SoftGrace: 20 * time.Second, Progress: &progress})
	t.Cleanup(func() {
		if t.Failed() {
			logTails(t, runDir)
		}
		if keep := os.Getenv("VLTGW_E2E_LOGS"); keep != "" {
			keepLogs(t, runDir, filepath.Join(keep, topo.Name))
		}
		if l != nil {
			dctx, dcancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer dcancel()
			if err := l.Down(dctx, false); err != nil {
				t.Errorf("lab down: %v", err)
			}
		}
		if left := lab.Leftovers(runDir); len(left) > 0 {
			t.Errorf("processes left behind:\n%s", strings.Join(left, "\n"))
		}
	})
	if err != nil {
		t.Fatalf("lab up %s: %v\n%s", topoPath, err, progress.String())
	}
	// Every check, soft ones included: the whole product is built here.
	var b bytes.Buffer
	rep.Write(&b)
	for _, s := range rep.Switches {
		for _, c := range s.Checks {
			if !c.OK {
				t.Fatalf("lab %s up but %s: %s: %s\n%s", topo.Name, s.Name, c.Name, c.Detail, b.String())
			}
		}
	}
	t.Logf("lab %s up and converged in %s (daemons built in %s)", topo.Name, time.Since(start).Round(time.Millisecond), buildTook.Round(time.Millisecond))
	f := &fixture{lab: l, topo: topo, runDir: runDir, ctl: map[string]vsv1.VsControlClient{}, hal: map[string]halv1.HalClient{},
		interconnect: map[lab.Endpoint]bool{}}
	for _, s := range topo.Switches {
		c, err := lab.LoadSwitchConfig(topo.Path(s.Config))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range c.LAGMembers(interconnectLAG) {
			f.interconnect[lab.Endpoint{Switch: s.Name, Port: m}] = true
		}
	}
	if len(f.interconnect) < 4 {
		t.Fatalf("topology %s: %s members %v, want one per switch at least", topo.Name, interconnectLAG, f.interconnect)
	}
	for _, r := range l.State.Switches {
		for _, x := range []struct {
			sock string
			set  func(*grpc.ClientConn)
		}{
			{r.ControlSocket, func(cc *grpc.ClientConn) { f.ctl[r.Name] = vsv1.NewVsControlClient(cc) }},
			{r.HALSocket, func(cc *grpc.ClientConn) { f.hal[r.Name] = halv1.NewHalClient(cc) }},
		} {
			cc, err := grpc.NewClient("unix://"+x.sock, grpc.WithTransportCredentials(insecure.NewCredentials()))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { cc.Close() })
			x.set(cc)
		}
	}
	return f
}

// keepLogs copies the daemons' logs to dir/<switch>/ (VLTGW_E2E_LOGS=dir
// keeps them past the test's temp dir).
func keepLogs(t *testing.T, runDir, dir string) {
	for _, sw := range []string{"C", "D", "C1", "D1"} {
		for _, d := range append([]string{"redis"}, lab.Daemons...) {
			b, err := os.ReadFile(filepath.Join(runDir, sw, d+".log"))
			if err != nil {
				continue
			}
			if err := os.MkdirAll(filepath.Join(dir, sw), 0o755); err == nil {
				err = os.WriteFile(filepath.Join(dir, sw, d+".log"), b, 0o644)
			}
			if err != nil {
				t.Logf("keep logs: %v", err)
				return
			}
		}
	}
	t.Logf("daemon logs kept in %s", dir)
}

func logTails(t *testing.T, runDir string) {
	for _, sw := range []string{"C", "D", "C1", "D1"} {
		for _, d := range lab.Daemons {
			b, err := os.ReadFile(filepath.Join(runDir, sw, d+".log"))
			if err != nil || len(b) == 0 {
				continue
			}
			lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
			if len(lines) > 8 {
				lines = lines[len(lines)-8:]
			}
			t.Logf("--- %s/%s.log (last lines)\n%s", sw, d, strings.Join(lines, "\n"))
		}
	}
}

func (f *fixture) mac(name string) string {
	s, ok := f.topo.Switch(name)
	if !ok {
		panic("no switch " + name)
	}
	return s.MAC
}

// vsdAlive reports whether a switch's platform still runs.
func (f *fixture) vsdAlive(sw string) bool {
	p, ok := f.lab.Proc(sw, "vsd")
	return ok && p.Alive()
}

// routedMyMAC reads every live switch's routed_my_mac counter.
func (f *fixture) routedMyMAC(ctx context.Context) (map[string]uint64, error) {
	out := map[string]uint64{}
	for name, c := range f.ctl {
		if !f.vsdAlive(name) {
			continue
		}
		resp, err := c.Counters(ctx, &vsv1.CountersRequest{})
		if err != nil {
			return nil, fmt.Errorf("switch %s counters: %w", name, err)
		}
		out[name] = resp.GetStages()["routed_my_mac"]
	}
	return out, nil
}

// captured drains every live switch's egress captures and returns the
// copies of the test's frames (UDP payload starting with prefix).
func (f *fixture) captured(ctx context.Context, prefix string) ([]lab.Seen, error) {
	var out []lab.Seen
	names := make([]string, 0, len(f.ctl))
	for n := range f.ctl {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if !f.vsdAlive(n) {
			continue
		}
		resp, err := f.ctl[n].Captured(ctx, &vsv1.CapturedRequest{Clear: true})
		if err != nil {
			return nil, fmt.Errorf("switch %s captures: %w", n, err)
		}
		for _, cf := range resp.GetFrames() {
			fr, err := lab.ParseFrame(cf.GetFrame())
			if err != nil || !bytes.HasPrefix(fr.Payload, []byte(prefix)) {
				continue
			}
			out = append(out, lab.Seen{At: lab.Endpoint{Switch: n, Port: cf.GetPort()}, Frame: fr})
		}
	}
	return out, nil
}

// vmFrame is VM1's frame to S (10.10.0.100 → 10.20.0.50, TTL 64) sent to
// dst (the MAC of a gateway), tagged with vlan when > 0, carrying marker.
func vmFrame(t testing.TB, dst string, vlan int, marker string) []byte {
	t.Helper()
	d, err := net.ParseMAC(dst)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := net.ParseMAC(macVM)
	b, err := lab.BuildUDP4(d, s, vlan, ipVM, ipS, ttl, []byte(marker))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// probe is what one injected frame did.
type probe struct {
	f      *fixture
	at     lab.Endpoint
	sent   *lab.Frame
	routed map[string]uint64 // routed_my_mac increase per switch
	seen   []lab.Seen
}

// send injects VM1's frame to dst on vlan at a port and collects the
// copies every switch sent out: until a copy leaves by until, then one
// more poll (copies cross UDP wires), or at most 3 s.
func (f *fixture) send(t *testing.T, ctx context.Context, at lab.Endpoint, dst string, vlan int, until lab.Endpoint) *probe {
	t.Helper()
	marker := fmt.Sprintf("e2e-%s-%d-%d", t.Name(), f.seq.Add(1), time.Now().UnixNano())
	frame := vmFrame(t, dst, vlan, marker)
	if _, err := f.captured(ctx, "e2e-"); err != nil { // drop older copies
		t.Fatal(err)
	}
	before, err := f.routedMyMAC(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p := &probe{f: f, at: at, routed: map[string]uint64{}}
	p.sent, _ = lab.ParseFrame(frame)
	if _, err := f.ctl[at.Switch].Inject(ctx, &vsv1.InjectRequest{Port: at.Port, Frame: frame}); err != nil {
		t.Fatalf("inject at %s: %v", at, err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for arrived := false; ; {
		got, err := f.captured(ctx, marker)
		if err != nil {
			t.Fatal(err)
		}
		p.seen = append(p.seen, got...)
		if arrived || time.Now().After(deadline) {
			break
		}
		for _, s := range p.seen {
			if s.At == until {
				arrived = true
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	after, err := f.routedMyMAC(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for sw, n := range after {
		p.routed[sw] = n - before[sw]
	}
	t.Logf("%s", p)
	return p
}

func (p *probe) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "inject at %s: %s\n", p.at, p.sent)
	names := make([]string, 0, len(p.routed))
	for n := range p.routed {
		names = append(names, n)
	}
	sort.Strings(names)
	b.WriteString("  routed_my_mac:")
	for _, n := range names {
		fmt.Fprintf(&b, " %s +%d", n, p.routed[n])
	}
	b.WriteString("\n")
	if len(p.seen) == 0 {
		b.WriteString("  no copy captured on any port\n")
	}
	for _, s := range p.seen {
		mark := ""
		if p.f.interconnect[s.At] {
			mark = "  <- interconnect (" + interconnectLAG + ")"
		}
		fmt.Fprintf(&b, "  captured leaving %s%s\n", s, mark)
	}
	return b.String()
}

// expectRouted asserts that router routed the frame itself through a
// MY_MAC entry (routed_my_mac +1 there and nowhere else, TTL−1, source
// MAC = router's MAC), that exactly one copy reached S (D1:Ethernet0) and
// that no copy left by an interconnect port.
func (f *fixture) expectRouted(t *testing.T, p *probe, router string) {
	t.Helper()
	rmac := f.mac(router)
	if p.routed[router] != 1 {
		t.Errorf("%s's routed_my_mac moved by %d, want 1 (a MY_MAC hit for %s on Vlan%d)\n%s", router, p.routed[router], p.sent.Dst, vlanOf(p), p)
	}
	for sw, n := range p.routed {
		if sw != router && n != 0 {
			t.Errorf("%s's routed_my_mac moved by %d too: the frame was routed through a MY_MAC entry more than once\n%s", sw, n, p)
		}
	}
	delivered, out := 0, 0
	for _, s := range p.seen {
		if f.interconnect[s.At] {
			t.Errorf("a copy crossed the interconnect: %s\n%s", s, p)
		}
		if s.At.Switch == router {
			out++
		}
		if s.Frame.Src.String() != rmac || s.Frame.TTL != ttl-1 {
			t.Errorf("copy %s: want source MAC %s (%s) and TTL %d (routed once)", s, rmac, router, ttl-1)
		}
		if s.At == atS {
			delivered++
			if s.Frame.Dst.String() != macS || s.Frame.VLAN != 0 {
				t.Errorf("S got %s, want it untagged to S's MAC %s", s, macS)
			}
		}
	}
	if out == 0 {
		t.Errorf("%s sent no copy out\n%s", router, p)
	}
	if delivered != 1 {
		t.Errorf("S (D1:Ethernet0) got %d copies, want 1\n%s", delivered, p)
	}
}

// expectBridged asserts that router did not route the frame (its
// routed_my_mac did not move) and bridged it unchanged (same source MAC
// and TTL, same VLAN) out of its interconnect port.
func (f *fixture) expectBridged(t *testing.T, p *probe, router string) {
	t.Helper()
	if p.routed[router] != 0 {
		t.Errorf("%s routed the frame (routed_my_mac +%d), want it bridged\n%s", router, p.routed[router], p)
	}
	crossed := false
	for _, s := range p.seen {
		if s.At.Switch != router || s.Frame.VLAN != vlanOf(p) {
			continue
		}
		if s.Frame.TTL != ttl || s.Frame.Src.String() != macVM || s.Frame.Dst.String() != p.sent.Dst.String() {
			t.Errorf("%s changed the frame: %s (sent %s)", s.At, s.Frame, p.sent)
		}
		if f.interconnect[s.At] {
			crossed = true
		}
	}
	if !crossed {
		t.Errorf("%s did not bridge the frame unchanged over the interconnect\n%s", router, p)
	}
}

// vlanOf is the VLAN the probe was sent on (untagged at an access port:
// Vlan10).
func vlanOf(p *probe) int {
	if p.sent.VLAN == 0 {
		return 10
	}
	return p.sent.VLAN
}

// dbs opens a switch's ASIC_DB and STATE_DB for the test's lifetime.
func (f *fixture) dbs(t *testing.T, name string) (asic, state *redis.Client) {
	t.Helper()
	r, ok := f.lab.Run(name)
	if !ok {
		t.Fatalf("no switch %s", name)
	}
	ctx := context.Background()
	cfg := swss.DefaultDBConfig().WithSocket(r.RedisSocket)
	a, err := swss.Connect(ctx, cfg, swss.AsicDB)
	if err != nil {
		t.Fatal(err)
	}
	s, err := swss.Connect(ctx, cfg, swss.StateDB)
	if err != nil {
		a.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(); s.Close() })
	return a.Client, s.Client
}

// platformMyMAC lists the MY_MAC objects of a switch's platform through
// its HAL: oid → "mac/vlanN".
func (f *fixture) platformMyMAC(ctx context.Context, sw string) (map[uint64]string, error) {
	stream, err := f.hal[sw].List(ctx, &halv1.ListRequest{Type: halv1.ObjectType_OBJECT_TYPE_MY_MAC})
	if err != nil {
		return nil, err
	}
	out := map[uint64]string{}
	for {
		o, err := stream.Recv()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return out, err
		}
		var mac string
		var vlan uint64
		for _, a := range o.GetAttrs() {
			switch a.GetId() {
			case "SAI_MY_MAC_ATTR_MAC_ADDRESS":
				mac = net.HardwareAddr(a.GetMac()).String()
			case "SAI_MY_MAC_ATTR_VLAN_ID":
				vlan = uint64(a.GetU32()) + a.GetU64()
			}
		}
		out[o.GetKey().GetOid()] = mac + "/vlan" + strconv.FormatUint(vlan, 10)
	}
	return out, nil
}

// installed reads a switch's MY_MAC entries from ASIC_DB.
func installed(t *testing.T, ctx context.Context, asic *redis.Client) map[lab.MyMAC]bool {
	t.Helper()
	m, err := lab.InstalledMyMAC(ctx, asic)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// waitFor polls cond every 10 ms until it holds or ctx ends; it returns
// how long that took.
func waitFor(t *testing.T, ctx context.Context, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("%s: not after %s", what, time.Since(start).Round(time.Millisecond))
		case <-time.After(10 * time.Millisecond):
		}
	}
	return time.Since(start)
}
