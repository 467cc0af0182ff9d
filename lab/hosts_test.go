package lab

import (
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/vltgw/vltgw/platform/vs"
)

func TestRunID(t *testing.T) {
	a, b := RunID("/tmp/run/a"), RunID("/tmp/run/b")
	if len(a) != 6 || strings.Trim(a, "0123456789abcdef") != "" {
		t.Fatalf("RunID %q: want six hex digits", a)
	}
	if a == b || a != RunID("/tmp/run/a") {
		t.Fatalf("RunID not a function of the run dir: %s %s", a, b)
	}
}

func TestHostsModeTopology(t *testing.T) {
	topo, _ := loadSquare(t, "square-vlt.yaml")
	if topo.HostsMode != HostsAuto {
		t.Fatalf("default hosts_mode %q, want auto", topo.HostsMode)
	}
	b, err := os.ReadFile("square-vlt.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "\nhosts_mode: auto\n") {
		t.Fatalf("square-vlt.yaml does not say hosts_mode: auto")
	}
	with := func(m string) []byte {
		return []byte(strings.Replace(string(b), "\nhosts_mode: auto\n", "\nhosts_mode: "+m+"\n", 1))
	}
	for _, m := range []string{"netns", "simulated", "auto"} {
		tp, err := ParseTopology(with(m), topo.Dir)
		if err != nil || tp.HostsMode != m {
			t.Fatalf("hosts_mode %s: %v (%+v)", m, err, tp)
		}
	}
	if _, err := ParseTopology(with("vm"), topo.Dir); err == nil || !strings.Contains(err.Error(), `hosts_mode "vm"`) {
		t.Fatalf("bad hosts_mode: %v", err)
	}
	tp, err := ParseTopology([]byte(strings.Replace(string(b), "\nhosts_mode: auto\n", "\n", 1)), topo.Dir)
	if err != nil || tp.HostsMode != HostsAuto {
		t.Fatalf("no hosts_mode: %v (%+v), want auto", err, tp)
	}
}

func TestResolveHostsMode(t *testing.T) {
	topo, _ := loadSquare(t, "square-vlt.yaml")
	capable := os.Geteuid() == 0
	if _, err := exec.LookPath("ip"); err != nil {
		capable = false
	}
	for _, c := range []struct {
		topo, override string
		want           string // "" = error
	}{
		{"auto", "", map[bool]string{true: HostsNetns, false: HostsSimulated}[capable]},
		{"simulated", "", HostsSimulated},
		{"auto", "simulated", HostsSimulated},
		{"simulated", "auto", map[bool]string{true: HostsNetns, false: HostsSimulated}[capable]},
		{"netns", "", map[bool]string{true: HostsNetns, false: ""}[capable]},
		{"simulated", "netns", map[bool]string{true: HostsNetns, false: ""}[capable]},
		{"auto", "bogus", ""},
	} {
		tp := *topo
		tp.HostsMode = c.topo
		got, why, err := ResolveHostsMode(&tp, c.override)
		if c.want == "" {
			if err == nil {
				t.Errorf("topology %s, override %q: got %s (%s), want an error", c.topo, c.override, got, why)
			}
			continue
		}
		if err != nil || got != c.want || why == "" {
			t.Errorf("topology %s, override %q: got %s (%s), %v; want %s", c.topo, c.override, got, why, err, c.want)
		}
	}
	none := *topo
	none.Hosts, none.HostsMode = nil, HostsNetns
	if got, _, err := ResolveHostsMode(&none, ""); err != nil || got != HostsSimulated {
		t.Errorf("no hosts: %s, %v; want simulated", got, err)
	}
}

// TestPlanHostsSquare: VM1 is plugged where it moved to (C1:Ethernet0,
// untagged Vlan10) with C's MAC as its gateway's (the stale ARP entry); S
// at D1:Ethernet0 with D1's.
func TestPlanHostsSquare(t *testing.T) {
	topo, cfgs := loadSquare(t, "square-vlt.yaml")
	hosts, err := PlanHosts(topo, cfgs, "abc123")
	if err != nil {
		t.Fatal(err)
	}
	want := []HostRun{
		{Name: "VM1", Netns: "vltgw-square-vlt-abc123-VM1", Veth: "vgabc123-0", Ifname: "eth0", At: "C1:Ethernet0",
			MAC: "02:00:0a:0a:00:64", IP: "10.10.0.100/24", Gateway: "10.10.0.2", GatewayMAC: "00:01:e8:00:00:0c"},
		{Name: "S", Netns: "vltgw-square-vlt-abc123-S", Veth: "vgabc123-1", Ifname: "eth0", At: "D1:Ethernet0",
			MAC: "02:00:0a:14:00:32", IP: "10.20.0.50/24", Gateway: "10.20.0.5", GatewayMAC: "00:01:e8:00:01:0d"},
	}
	if !reflect.DeepEqual(hosts, want) {
		t.Fatalf("plan:\n%+v\nwant\n%+v", hosts, want)
	}

	steps := func(h HostRun) []string {
		var out []string
		for _, s := range SetupSteps(h) {
			out = append(out, s.String())
		}
		return out
	}
	ns := "vltgw-square-vlt-abc123-VM1"
	wantSteps := []string{
		"ip netns add " + ns,
		"ip link add vgabc123-0 type veth peer name eth0 netns " + ns,
		"ip -n " + ns + " link set lo up",
		"ip -n " + ns + " link set eth0 address 02:00:0a:0a:00:64 addrgenmode none",
		"ip -n " + ns + " link set eth0 up",
		"ip -n " + ns + " addr add 10.10.0.100/24 dev eth0",
		"ip -n " + ns + " neigh replace 10.10.0.2 lladdr 00:01:e8:00:00:0c dev eth0 nud permanent",
		"ip -n " + ns + " route add default via 10.10.0.2 dev eth0",
	}
	if got := steps(hosts[0]); !reflect.DeepEqual(got, wantSteps) {
		t.Fatalf("VM1 setup:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantSteps, "\n"))
	}
	var created []NetObject
	for _, s := range SetupSteps(hosts[0]) {
		if s.Creates != nil {
			created = append(created, *s.Creates)
		}
	}
	if want := []NetObject{{"netns", ns}, {"veth", "vgabc123-0"}}; !reflect.DeepEqual(created, want) {
		t.Fatalf("VM1 creates %v, want %v", created, want)
	}
	var down []string
	for _, s := range TeardownSteps(created) {
		down = append(down, s.String())
	}
	if want := []string{"ip link del vgabc123-0", "ip netns del " + ns}; !reflect.DeepEqual(down, want) {
		t.Fatalf("teardown %v, want %v", down, want)
	}

	// A tagged access port: the address goes on a VLAN interface.
	cfgs["C1"].Tables["VLAN_MEMBER"]["Vlan10|Ethernet0"] = map[string]string{"tagging_mode": "tagged"}
	hosts, err = PlanHosts(topo, cfgs, "abc123")
	if err != nil {
		t.Fatal(err)
	}
	if h := hosts[0]; h.Tag != 10 || h.Ifname != "eth0.10" {
		t.Fatalf("tagged port: tag %d ifname %s, want 10 eth0.10", h.Tag, h.Ifname)
	}
	got := strings.Join(steps(hosts[0]), "\n")
	for _, w := range []string{
		"ip -n " + ns + " link add link eth0 name eth0.10 address 02:00:0a:0a:00:64 type vlan id 10",
		"ip -n " + ns + " link set eth0.10 up",
		"ip -n " + ns + " addr add 10.10.0.100/24 dev eth0.10",
		"ip -n " + ns + " route add default via 10.10.0.2 dev eth0.10",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("tagged VM1 setup lacks %q:\n%s", w, got)
		}
	}

	// Not a member of its VLAN, and a gateway no switch owns: errors
	// naming the host.
	delete(cfgs["C1"].Tables["VLAN_MEMBER"], "Vlan10|Ethernet0")
	topo.Hosts[1].Gateway = "10.20.0.9"
	_, err = PlanHosts(topo, cfgs, "abc123")
	if err == nil || !strings.Contains(err.Error(), "host VM1: C1:Ethernet0 is not a member of Vlan10") ||
		!strings.Contains(err.Error(), "host S: no switch has its gateway 10.20.0.9 on Vlan20") {
		t.Fatalf("plan errors: %v", err)
	}
}

// TestPlatformYAMLHosts: the hosts' ports are AF_PACKET wires on their
// veth; the inter-switch cables stay UDP; other ports unwired.
func TestPlatformYAMLHosts(t *testing.T) {
	topo, cfgs := loadSquare(t, "square-vlt.yaml")
	hosts, err := PlanHosts(topo, cfgs, "abc123")
	if err != nil {
		t.Fatal(err)
	}
	w, err := AllocateWiring(topo, "")
	if err != nil {
		t.Fatal(err)
	}
	wires := map[string]vs.WireConfig{}
	for _, s := range topo.Switches {
		b, err := PlatformYAMLHosts(topo, w, hosts, s.Name)
		if err != nil {
			t.Fatal(err)
		}
		c, err := vs.ParseConfig(b)
		if err != nil {
			t.Fatalf("%s: %v\n%s", s.Name, err, b)
		}
		for _, p := range c.Ports {
			wires[s.Name+":"+p.Name] = p.Wire
		}
	}
	for port, want := range map[string]vs.WireConfig{
		"C1:Ethernet0":  {Type: vs.WireAFPacket, IfName: "vgabc123-0"},
		"D1:Ethernet0":  {Type: vs.WireAFPacket, IfName: "vgabc123-1"},
		"C:Ethernet0":   {Type: vs.WireNone}, // VM1's port before the move: still simulated
		"D:Ethernet0":   {Type: vs.WireNone},
		"C1:Ethernet12": {Type: vs.WireNone},
	} {
		if got := wires[port]; got != want {
			t.Errorf("%s: wire %+v, want %+v", port, got, want)
		}
	}
	if got := wires["C:Ethernet4"]; got.Type != vs.WireUDP {
		t.Errorf("C:Ethernet4 (VLTi): wire %+v, want udp", got)
	}
	// Without hosts (simulated), every host port is unwired.
	b, err := PlatformYAML(topo, w, "C1")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "afpacket") {
		t.Fatalf("simulated hosts: C1's platform file has an afpacket wire:\n%s", b)
	}
}
