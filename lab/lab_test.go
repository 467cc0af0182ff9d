package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vltgw/vltgw/cli"
	vsv1 "github.com/vltgw/vltgw/proto/vs/v1"
	"github.com/vltgw/vltgw/swss"
)

// The daemons, built once per test binary (without -race: they are
// processes under test, not the code the race detector watches here).
var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
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
		if buildDir, buildErr = os.MkdirTemp("", "vltgw-lab-bin-"); buildErr != nil {
			return
		}
		buildErr = BuildDaemons(context.Background(), buildDir)
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildDir
}

func newApp(t *testing.T) *cli.App {
	t.Helper()
	app := cli.New("vltgw")
	if err := cli.Builtin(app); err != nil {
		t.Fatal(err)
	}
	if err := Register(app); err != nil {
		t.Fatal(err)
	}
	return app
}

func run(t *testing.T, app *cli.App, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, errb bytes.Buffer
	code := app.Run(ctx, args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestLabUpStatusDown runs the square of spec §8 through the commands:
// lab up (real redis-server, vsd, syncd, orchagent, cfgmgrd, pgwlldpd per
// switch), lab status, a refused second lab up, the demo, lab down; then
// no process of the lab is left and its sockets and state are gone.
func TestLabUpStatusDown(t *testing.T) {
	bin := daemons(t)
	dir := t.TempDir()
	app := newApp(t)
	code, out, errOut := run(t, app, "lab", "up", "--bin", bin, "--run-dir", dir, "--timeout", "45s", "--soft-grace", "2s", "square-vlt.yaml")
	t.Cleanup(func() {
		if l, err := LoadState(dir); err == nil {
			l.Down(context.Background(), false)
		}
		if left := Leftovers(dir); len(left) > 0 {
			t.Errorf("processes left behind:\n%s", strings.Join(left, "\n"))
		}
	})
	if code != 0 {
		t.Fatalf("lab up: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, sw := range []string{"C", "D", "C1", "D1"} {
		if !strings.Contains(out, "switch "+sw+" (domain ") {
			t.Errorf("lab up output lacks switch %s:\n%s", sw, out)
		}
	}
	if strings.Contains(out, "NOT converged") || strings.Count(out, "): converged; processes 6/6 alive") != 4 {
		t.Fatalf("lab up output:\n%s", out)
	}

	l, err := LoadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.State.Processes) != 24 || len(l.State.Switches) != 4 {
		t.Fatalf("state: %d processes, %d switches", len(l.State.Processes), len(l.State.Switches))
	}
	pids := map[int]bool{}
	for _, p := range l.State.Processes {
		if !p.Alive() || p.StartTicks == 0 {
			t.Errorf("%s: alive %v, start ticks %d", p, p.Alive(), p.StartTicks)
		}
		pids[p.PID] = true
	}
	// Each switch has its own redis with its own CONFIG_DB.
	for _, r := range l.State.Switches {
		db, err := swss.ConnectSocket(context.Background(), r.RedisSocket, swss.ConfigDB)
		if err != nil {
			t.Fatal(err)
		}
		host, _ := db.Client.HGet(context.Background(), "DEVICE_METADATA|localhost", "hostname").Result()
		db.Close()
		if host != r.Name {
			t.Errorf("%s's CONFIG_DB holds hostname %q", r.Name, host)
		}
	}

	code, out, errOut = run(t, app, "lab", "status", "--run-dir", dir, "square-vlt.yaml")
	if code != 0 || strings.Count(out, " alive ") != 24 || strings.Contains(out, "DEAD") {
		t.Fatalf("lab status: exit %d\n%s\n%s", code, out, errOut)
	}
	code, _, errOut = run(t, app, "lab", "status", "--run-dir", dir, "square-vlt-diagonals.yaml")
	if code != 1 || !strings.Contains(errOut, `holds lab "square-vlt", not "square-vlt-diagonals"`) {
		t.Errorf("status of another topology: exit %d %s", code, errOut)
	}
	code, _, errOut = run(t, app, "lab", "up", "--bin", bin, "--run-dir", dir, "square-vlt.yaml")
	if code != 1 || !strings.Contains(errOut, "lab already up: 24 processes of square-vlt still run") {
		t.Errorf("second lab up: exit %d %s", code, errOut)
	}

	// The demo: with the proxy-gateway MY_MAC orch, C1 routes VM1's frame
	// to C's MAC itself; without it the demo must say the frame crossed
	// the interconnect. On excluded Vlan30 the frame is bridged either way.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var story bytes.Buffer
	results, demoErr := Demo(ctx, l, &story)
	if len(results) != 2 {
		t.Fatalf("demo: %v\n%s", demoErr, story.String())
	}
	c1, _ := l.Run("C1")
	d, err := openDBs(ctx, c1.RedisSocket)
	if err != nil {
		t.Fatal(err)
	}
	installed, err := InstalledMyMAC(ctx, d.asic)
	d.close()
	if err != nil {
		t.Fatal(err)
	}
	routed, bridged := results[0], results[1]
	if installed[MyMAC{"00:01:e8:00:00:0c", 10}] {
		if !routed.OK() {
			t.Errorf("MY_MAC for C on Vlan10 is installed at C1, yet: %v\n%s", routed.Problems, story.String())
		}
	} else {
		got := strings.Join(routed.Problems, "\n")
		if routed.OK() || !strings.Contains(got, "routed_my_mac counter did not move") || !strings.Contains(got, "crossed the interconnect") {
			t.Errorf("no MY_MAC entry at C1, yet the demo reports: %q\n%s", routed.Problems, story.String())
		}
	}
	if !bridged.OK() {
		t.Errorf("excluded VLAN: %v\n%s", bridged.Problems, story.String())
	}
	t.Logf("demo:\n%s", story.String())
	code, out, errOut = run(t, app, "-o", "json", "lab", "demo", "--run-dir", dir)
	var doc struct {
		Results []struct {
			Case string `json:"case"`
			OK   bool   `json:"ok"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Results) != 2 || doc.Results[1].Case != "bridged" ||
		doc.Results[0].OK != routed.OK() || (code == 0) != routed.OK() {
		t.Errorf("lab demo -o json: exit %d, %v\n%s\n%s", code, err, out, errOut)
	}
	ctl, closeCtl, err := l.Control("D1")
	if err != nil {
		t.Fatal(err)
	}
	counters, err := ctl.Counters(ctx, &vsv1.CountersRequest{})
	closeCtl()
	if err != nil || len(counters.GetPorts()) != 4 || counters.GetStages()["flooded"]+counters.GetStages()["bridged"] == 0 {
		t.Errorf("D1 counters: %v %v", counters, err)
	}
	if _, _, err := l.Control("Z"); err == nil {
		t.Error("control of an unknown switch")
	}

	// A daemon restart: the lab converges again and routes as before.
	oldPID := 0
	if p, ok := l.Proc("C1", "orchagent"); ok {
		oldPID = p.PID
	}
	p, err := l.Restart(ctx, "C1", "orchagent")
	if err != nil || p.PID == oldPID || !p.Alive() {
		t.Fatalf("restart: %v %v", p, err)
	}
	if rep, err := l.WaitConverged(ctx, nil, 30*time.Second); err != nil {
		var b bytes.Buffer
		rep.Write(&b)
		t.Fatalf("after orchagent restart: %v\n%s", err, b.String())
	}
	again, err := Demo(ctx, l, io.Discard)
	if len(again) != 2 || again[0].OK() != routed.OK() || !again[1].OK() {
		t.Errorf("demo after orchagent restart: %v", err)
	}
	if l2, err := LoadState(dir); err != nil || len(l2.State.Processes) != 24 {
		t.Fatalf("state after restart: %v", err)
	} else if q, _ := l2.Proc("C1", "orchagent"); q.PID != p.PID {
		t.Errorf("state file names orchagent %d, want %d", q.PID, p.PID)
	}

	// Node failure: C stops; C1 sees its cable to C go down.
	if err := l.StopSwitch(ctx, "C"); err != nil {
		t.Fatal(err)
	}
	d, err = openDBs(ctx, c1.RedisSocket)
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	for st := ""; st != "down"; {
		if st, err = d.state.HGet(ctx, "PORT_TABLE|Ethernet8", "oper_status").Result(); err != nil {
			t.Fatal(err)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("C1:Ethernet8 still %s after C stopped", st)
		case <-time.After(50 * time.Millisecond):
		}
	}
	code, out, errOut = run(t, app, "lab", "status", "--run-dir", dir)
	if code != 1 || strings.Count(out, " DEAD ") != 6 || !strings.Contains(errOut, "6 of 24 processes dead") {
		t.Errorf("status with C down: exit %d\n%s\n%s", code, out, errOut)
	}

	code, out, errOut = run(t, app, "lab", "down", "--run-dir", dir, "square-vlt.yaml")
	if code != 0 || !strings.Contains(out, "lab square-vlt: stopped 18 processes") {
		t.Fatalf("lab down: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, p := range l.State.Processes {
		if p.Alive() {
			t.Errorf("%s alive after lab down", p)
		}
	}
	if left := Leftovers(dir); len(left) > 0 {
		t.Fatalf("left behind:\n%s", strings.Join(left, "\n"))
	}
	for _, r := range l.State.Switches {
		for _, f := range []string{r.RedisSocket, r.HALSocket, r.ControlSocket, r.Platform} {
			if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s not removed: %v", f, err)
			}
		}
		if _, err := os.Stat(filepath.Join(r.Dir, "vsd.log")); err != nil {
			t.Errorf("logs removed without --purge: %v", err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, StateFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("state file not removed: %v", err)
	}
	code, _, errOut = run(t, app, "lab", "status", "--run-dir", dir)
	if code != 1 || !strings.Contains(errOut, "no lab state in") {
		t.Errorf("status after down: exit %d %s", code, errOut)
	}
}

// pairTopology writes a two-switch topology with minimal configs.
func pairTopology(t *testing.T) (*Topology, string) {
	t.Helper()
	dir := t.TempDir()
	for _, sw := range []struct{ name, mac string }{{"A", "02:00:00:00:00:0a"}, {"B", "02:00:00:00:00:0b"}} {
		if err := os.MkdirAll(filepath.Join(dir, sw.name), 0o755); err != nil {
			t.Fatal(err)
		}
		cfg := fmt.Sprintf(`{"DEVICE_METADATA": {"localhost": {"hostname": %q, "mac": %q}},
			"PORT": {"Ethernet0": {"admin_status": "up", "lanes": "0,1,2,3"}}}`, sw.name, sw.mac)
		if err := os.WriteFile(filepath.Join(dir, sw.name, "config_db.json"), []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "pair.yaml")
	topo := `name: pair
switches:
  - {name: A, mac: "02:00:00:00:00:0a", domain: 1, config: A/config_db.json}
  - {name: B, mac: "02:00:00:00:00:0b", domain: 2, config: B/config_db.json}
links:
  - [A:Ethernet0, B:Ethernet0]
`
	if err := os.WriteFile(path, []byte(topo), 0o644); err != nil {
		t.Fatal(err)
	}
	tp, err := LoadTopology(path)
	if err != nil {
		t.Fatal(err)
	}
	return tp, path
}

// fakeBin makes a bin dir whose daemons are scripts (vsd may be the real
// one).
func fakeBin(t *testing.T, scripts map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range Daemons {
		body, ok := scripts[d]
		if !ok {
			body = "exec sleep 100"
		}
		if strings.HasPrefix(body, "/") {
			if err := os.Symlink(body, filepath.Join(dir, d)); err != nil {
				t.Fatal(err)
			}
			continue
		}
		script(t, dir, d, body)
	}
	return dir
}

// TestUpFailures: a daemon that dies at start, one that dies while the
// lab converges, and a lab that never converges each fail lab up with the
// process and its log named, and leave no process behind.
func TestUpFailures(t *testing.T) {
	realVSD := filepath.Join(daemons(t), "vsd")
	for _, tc := range []struct {
		name    string
		scripts map[string]string
		want    []string
	}{
		{"vsd exits at start", map[string]string{"vsd": "echo 'vsd: bad platform file' >&2; exit 1"},
			[]string{"A/vsd (pid ", "exited at start (exit status 1)", "vsd: bad platform file"}},
		{"syncd dies", map[string]string{"vsd": realVSD, "syncd": "sleep 0.3; echo 'syncd: HAL gone' >&2; exit 3"},
			[]string{"/syncd (pid ", "exited (exit status 3)", "syncd: HAL gone"}},
		{"no convergence", map[string]string{"vsd": realVSD},
			[]string{"lab: not converged after 1s"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			topo, path := pairTopology(t)
			run := t.TempDir()
			var progress bytes.Buffer
			l, _, err := Up(context.Background(), topo, path, Options{BinDir: fakeBin(t, tc.scripts), RunDir: run,
				Timeout: time.Second, Grace: time.Second, Progress: &progress})
			if l != nil {
				t.Fatal("Up returned a lab with its error")
			}
			for _, w := range tc.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("error does not say %q:\n%v", w, err)
				}
			}
			if !strings.Contains(progress.String(), "lab up failed; stopping what was started") {
				t.Errorf("progress:\n%s", progress.String())
			}
			if left := Leftovers(run); len(left) > 0 {
				t.Fatalf("left behind:\n%s", strings.Join(left, "\n"))
			}
			if _, err := os.Stat(filepath.Join(run, StateFile)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("state file kept: %v", err)
			}
		})
	}
}

// TestKeepOnFailureThenDown: with KeepOnFailure an unconverged lab stays
// up for inspection; status shows it; a daemon killed behind the lab's
// back is reported dead; Down stops the rest.
func TestKeepOnFailureThenDown(t *testing.T) {
	topo, path := pairTopology(t)
	dir := t.TempDir()
	bin := fakeBin(t, map[string]string{"vsd": filepath.Join(daemons(t), "vsd")})
	l, rep, err := Up(context.Background(), topo, path, Options{BinDir: bin, RunDir: dir, Timeout: 500 * time.Millisecond,
		Grace: time.Second, KeepOnFailure: true})
	t.Cleanup(func() {
		if l != nil {
			l.Down(context.Background(), true)
		}
	})
	if err == nil || l == nil || rep == nil || rep.Converged() {
		t.Fatalf("Up: lab %v, report %v, %v", l, rep, err)
	}
	app := newApp(t)
	code, out, _ := run(t, app, "lab", "status", "--run-dir", dir)
	if code != 0 || strings.Count(out, " alive ") != 12 || !strings.Contains(out, "NOT converged") {
		t.Fatalf("status: exit %d\n%s", code, out)
	}
	var victim *Proc
	for _, p := range l.State.Processes {
		if p.Switch == "B" && p.Name == "cfgmgrd" {
			victim = p
		}
	}
	if _, err := victim.Stop(context.Background(), time.Second); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, app, "-o", "json", "lab", "status", "--run-dir", dir)
	if code != 1 || !strings.Contains(errOut, "1 of 12 processes dead") || !strings.Contains(out, `"alive":false`) {
		t.Fatalf("status with a dead daemon: exit %d\n%s\n%s", code, out, errOut)
	}
	if err := l.Down(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	if left := Leftovers(dir); len(left) > 0 {
		t.Fatalf("left behind:\n%s", strings.Join(left, "\n"))
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("purge kept the run dir: %v", err)
	}
}
