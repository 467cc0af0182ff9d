//go:build linux

package lab

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// needNetns fails under CI=true (which runs as root) when network
// namespaces cannot be made, and skips elsewhere.
func needNetns(t *testing.T) {
	t.Helper()
	reason := ""
	if os.Geteuid() != 0 {
		reason = "network namespaces need root"
	} else if _, err := exec.LookPath("ip"); err != nil {
		reason = "iproute2's ip not found"
	}
	if reason == "" {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal(reason + " (CI=true: this must run in CI)")
	}
	t.Skip(reason)
}

func ipJSON(t *testing.T, args ...string) []map[string]any {
	t.Helper()
	out, err := exec.Command("ip", append([]string{"-j"}, args...)...).Output()
	if err != nil {
		t.Fatalf("ip -j %s: %v", strings.Join(args, " "), err)
	}
	var v []map[string]any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("ip -j %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return v
}

// TestCreateRemoveHosts builds the square's hosts for real (no switches):
// each namespace has eth0 with the host's MAC and address, the permanent
// neighbour entry for its gateway and the default route; the state file
// records what was created; removal leaves nothing. A namespace of the
// same name the lab did not create is refused and left alone.
func TestCreateRemoveHosts(t *testing.T) {
	needNetns(t)
	topo, cfgs := loadSquare(t, "square-vlt.yaml")
	dir := t.TempDir()
	hosts, err := PlanHosts(topo, cfgs, RunID(dir))
	if err != nil {
		t.Fatal(err)
	}
	l := &Lab{Topo: topo, State: State{Name: topo.Name, RunDir: dir}}
	l.opts.defaults()
	t.Cleanup(func() {
		for _, h := range hosts {
			_ = exec.Command("ip", "link", "del", h.Veth).Run()
			_ = exec.Command("ip", "netns", "del", h.Netns).Run()
		}
	})
	if err := l.createHosts(hosts); err != nil {
		t.Fatal(err)
	}
	saved, err := LoadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(saved.State.Created) != 4 || len(saved.State.Hosts) != 2 {
		t.Fatalf("state file: created %v, hosts %v; want 2 namespaces + 2 veths, 2 hosts", saved.State.Created, saved.State.Hosts)
	}
	vm := hosts[0]
	link := ipJSON(t, "-n", vm.Netns, "link", "show", "eth0")
	if len(link) != 1 || link[0]["address"] != vm.MAC {
		t.Fatalf("VM1's eth0: %v, want MAC %s", link, vm.MAC)
	}
	addr := ipJSON(t, "-n", vm.Netns, "-4", "addr", "show", "eth0")
	if b, _ := json.Marshal(addr); !strings.Contains(string(b), `"local":"10.10.0.100"`) || !strings.Contains(string(b), `"prefixlen":24`) {
		t.Fatalf("VM1's address: %s", b)
	}
	neigh := ipJSON(t, "-n", vm.Netns, "neigh", "show", "10.10.0.2")
	if len(neigh) != 1 || neigh[0]["lladdr"] != macOf(t, topo, "C") {
		t.Fatalf("VM1's neighbour 10.10.0.2: %v, want C's MAC (permanent)", neigh)
	}
	if st, _ := json.Marshal(neigh[0]["state"]); !strings.Contains(string(st), "PERMANENT") {
		t.Fatalf("VM1's neighbour 10.10.0.2 state %s, want PERMANENT", st)
	}
	route := ipJSON(t, "-n", vm.Netns, "route", "show", "default")
	if len(route) != 1 || route[0]["gateway"] != "10.10.0.2" {
		t.Fatalf("VM1's default route: %v", route)
	}
	if v6 := ipJSON(t, "-n", vm.Netns, "-6", "addr", "show", "eth0"); len(v6) != 0 {
		t.Fatalf("VM1's eth0 has IPv6 addresses (it would send solicitations): %v", v6)
	}
	if _, err := os.Stat(filepath.Join("/sys/class/net", vm.Veth)); err != nil {
		t.Fatalf("switch-side veth %s: %v", vm.Veth, err)
	}

	if err := l.removeHosts(); err != nil {
		t.Fatal(err)
	}
	for _, h := range hosts {
		for _, o := range []NetObject{{"netns", h.Netns}, {"veth", h.Veth}} {
			if netObjectExists(o) {
				t.Errorf("%s %s left after removal", o.Kind, o.Name)
			}
		}
	}
	if len(l.State.Created) != 0 || len(l.State.Hosts) != 0 {
		t.Fatalf("after removal: created %v, hosts %v", l.State.Created, l.State.Hosts)
	}

	// A namespace the lab did not create: refused, and left in place.
	if out, err := exec.Command("ip", "netns", "add", vm.Netns).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v: %s", err, out)
	}
	l2 := &Lab{Topo: topo, State: State{Name: topo.Name, RunDir: dir}}
	l2.opts.defaults()
	err = l2.createHosts(hosts)
	if err == nil || !strings.Contains(err.Error(), "did not create it") {
		t.Fatalf("foreign namespace: %v", err)
	}
	if err := l2.removeHosts(); err != nil {
		t.Fatal(err)
	}
	if !netObjectExists(NetObject{"netns", vm.Netns}) {
		t.Fatal("removal deleted a namespace the lab did not create")
	}
}

func macOf(t *testing.T, topo *Topology, sw string) string {
	t.Helper()
	s, ok := topo.Switch(sw)
	if !ok {
		t.Fatalf("no switch %s", sw)
	}
	return s.MAC
}
