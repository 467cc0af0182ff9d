package lab

import (
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/vltgw/vltgw/platform/vs"
)

func loadSquare(t *testing.T, file string) (*Topology, map[string]*SwitchConfig) {
	t.Helper()
	topo, err := LoadTopology(file)
	if err != nil {
		t.Fatal(err)
	}
	cfgs := map[string]*SwitchConfig{}
	for _, s := range topo.Switches {
		c, err := LoadSwitchConfig(topo.Path(s.Config))
		if err != nil {
			t.Fatal(err)
		}
		cfgs[s.Name] = c
	}
	return topo, cfgs
}

func TestSquareTopologies(t *testing.T) {
	for _, tc := range []struct {
		file  string
		links int
	}{{"square-vlt.yaml", 4}, {"square-vlt-diagonals.yaml", 6}} {
		t.Run(tc.file, func(t *testing.T) {
			topo, cfgs := loadSquare(t, tc.file)
			if got := strings.Join(topo.SwitchNames(), ","); got != "C,D,C1,D1" {
				t.Fatalf("switches %s", got)
			}
			if len(topo.Links) != tc.links || len(topo.Hosts) != 2 {
				t.Fatalf("%d links, %d hosts", len(topo.Links), len(topo.Hosts))
			}
			for _, s := range topo.Switches {
				c := cfgs[s.Name]
				if err := c.CheckAgainst(&s); err != nil {
					t.Error(err)
				}
				if err := c.CheckRules(); err != nil {
					t.Errorf("%s: cfgmgr rules: %v", s.Name, err)
				}
				pg := c.ProxyGateway()
				if pg.Mode != "lldp" || pg.DomainLink != "PortChannel100" || pg.PeerLink != "PortChannel1" || !pg.PeerRouting ||
					len(pg.Exclude) != 1 || pg.Exclude[0] != 30 {
					t.Errorf("%s: proxy gateway %+v", s.Name, pg)
				}
				peer, _ := topo.VLTPeer(s.Name)
				if pg.PeerMAC != peer.MAC {
					t.Errorf("%s: peer_mac %s, want %s's %s", s.Name, pg.PeerMAC, peer.Name, peer.MAC)
				}
				// Each member of the peer-domain link and of the VLTi is cabled
				// to the same port-channel on the other side.
				for _, lag := range []string{"PortChannel1", "PortChannel100"} {
					for _, m := range c.LAGMembers(lag) {
						far, ok := topo.Peer(Endpoint{s.Name, m})
						if !ok {
							t.Errorf("%s:%s (%s) is not cabled", s.Name, m, lag)
							continue
						}
						if !contains(cfgs[far.Switch].LAGMembers(lag), far.Port) {
							t.Errorf("%s:%s (%s) is cabled to %s, not a member of %s", s.Name, m, lag, far, lag)
						}
					}
				}
				if c.Get("VLT_INTERFACE", strconv.Itoa(pg.Domain)+"|PortChannel100") == nil {
					t.Errorf("%s: PortChannel100 is not marked VLT_INTERFACE", s.Name)
				}
			}
			// §8 addresses.
			for sw, want := range map[string]string{"C": "10.10.0.2/24", "D": "10.10.0.3/24", "C1": "10.10.0.4/24", "D1": "10.10.0.5/24"} {
				if a, ok := cfgs[sw].VLANAddr(10); !ok || a.String() != want {
					t.Errorf("%s Vlan10 address %v, want %s", sw, a, want)
				}
			}
			for sw, want := range map[string]string{"C1": "10.20.0.4/24", "D1": "10.20.0.5/24"} {
				if a, ok := cfgs[sw].VLANAddr(20); !ok || a.String() != want {
					t.Errorf("%s Vlan20 address %v, want %s", sw, a, want)
				}
			}
			for _, sw := range []string{"C", "D"} {
				if r := cfgs[sw].StaticRoutes(); len(r) != 1 || r[0] != "10.20.0.0/24" {
					t.Errorf("%s static routes %v", sw, r)
				}
				if l3 := cfgs[sw].L3VLANs(); len(l3) != 2 {
					t.Errorf("%s L3 VLANs %v, want 10 and 30", sw, l3)
				}
			}
		})
	}
}

// TestSquareConfigsYANG validates the VLT tables of every square config
// with yanglint against yang/sonic-vlt.yang.
func TestSquareConfigsYANG(t *testing.T) {
	yanglint, err := exec.LookPath("yanglint")
	if err != nil {
		t.Fatalf("yanglint not installed (make deps installs libyang2-tools): %v", err)
	}
	model, err := filepath.Abs("../yang/sonic-vlt.yang")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, file := range []string{"square-vlt.yaml", "square-vlt-diagonals.yaml"} {
		topo, cfgs := loadSquare(t, file)
		for _, s := range topo.Switches {
			doc, err := cfgs[s.Name].YANGInstance()
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, topo.Name+"-"+s.Name+".json")
			if err := os.WriteFile(path, doc, 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(yanglint, "-t", "config", model, path).CombinedOutput(); err != nil {
				t.Errorf("%s %s: yanglint: %v\n%s\n%s", file, s.Name, err, out, doc)
			}
		}
	}
	// The conversion carries what yanglint refuses: proxy gateway without
	// peer routing.
	bad := writeConfig(t, `{"VLT_DOMAIN": {"1": {"peer_link": "PortChannel1", "peer_routing": "false"}},
		"VLT_PROXY_GATEWAY": {"1": {"mode": "static"}}}`)
	c, err := LoadSwitchConfig(bad)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := c.YANGInstance()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(path, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(yanglint, "-t", "config", model, path).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "peer_routing") {
		t.Fatalf("yanglint accepted proxy gateway without peer routing: %v %s", err, out)
	}
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config_db.json")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckRulesReportsRejections(t *testing.T) {
	c, err := LoadSwitchConfig(writeConfig(t, `{
		"DEVICE_METADATA": {"localhost": {"mac": "00:01:e8:00:00:0c"}},
		"VLT_DOMAIN": {"1": {"peer_link": "PortChannel1", "peer_routing": "true"}},
		"VLT_PROXY_GATEWAY": {"1": {"mode": "lldp"}},
		"VLT_PROXY_GATEWAY_REMOTE_MAC": {"1|00:01:e8:00:01:0c": {}},
		"VLAN": {"Vlan5000": {"vlanid": "5000"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	err = c.CheckRules()
	if err == nil {
		t.Fatal("no rejection")
	}
	for _, want := range []string{"VLT_PROXY_GATEWAY_REMOTE_MAC|1|00:01:e8:00:01:0c: rejected", "VLAN|Vlan5000"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
}

func TestCheckAgainstTopology(t *testing.T) {
	c, err := LoadSwitchConfig(writeConfig(t, `{
		"DEVICE_METADATA": {"localhost": {"mac": "00:01:e8:00:00:0d"}},
		"PORT": {"Ethernet16": {"lanes": "16,17,18,19"}, "Ethernet4": {"lanes": "0,1,2,3"}},
		"VLT_DOMAIN": {"7": {"peer_link": "PortChannel1"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	s := &Switch{Name: "C", MAC: "00:01:e8:00:00:0c", Domain: 1, Ports: DefaultPorts}
	err = c.CheckAgainst(s)
	for _, want := range []string{"mac 00:01:e8:00:00:0d differs from the topology's 00:01:e8:00:00:0c",
		"PORT|Ethernet16: the switch has no such port", `PORT|Ethernet4 lanes "0,1,2,3": the platform gives it "4,5,6,7"`,
		"VLT_DOMAIN|7: the topology puts the switch in domain 1"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not say %q", err, want)
		}
	}
}

func TestTopologyErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "c.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	const two = `name: t
switches:
  - {name: A, mac: "02:00:00:00:00:01", domain: 1, config: c.json}
  - {name: B, mac: "02:00:00:00:00:02", domain: 2, config: c.json}
`
	for _, tc := range []struct {
		name, yaml string
		want       []string
	}{
		{"syntax", "name: [", []string{"parse:"}},
		{"unknown field", two + "wires: []\n", []string{"field wires not found"}},
		{"no switches", "name: t\n", []string{"switches: none"}},
		{"bad names", "name: 'a b'\nswitches:\n  - {name: '1x', mac: '02:00:00:00:00:01', domain: 1, config: c.json}\n",
			[]string{`name "a b"`, `switches[0]: name "1x"`}},
		{"switch fields", `name: t
switches:
  - {name: A, mac: "01:00:5e:00:00:01", domain: 0, config: missing.json, ports: [Ethernet0, Ethernet2, eth1, Ethernet0]}
  - {name: A, mac: "02:00:00:00:00:02", domain: 1, config: c.json}
  - {name: B, mac: "zz", domain: 1, config: ""}
`, []string{`switch "A": mac: 01:00:5e:00:00:01: multicast`, `switch "A": domain 0: want a VLT domain id 1-1000`,
			`switch "A": config: stat`, `port Ethernet2: lane 2 overlaps port Ethernet0`, `port "eth1": want EthernetN`,
			`port Ethernet0 listed twice`, `switch "A": defined twice`, `switch "B": mac: "zz": want a 6-octet MAC`,
			`switch "B": config: missing`}},
		{"duplicate mac", two + "  - {name: E, mac: \"02:00:00:00:00:01\", domain: 3, config: c.json}\n",
			[]string{`switch "E": mac 02:00:00:00:00:01 already used by switch "A"`}},
		{"three in a domain", two + "  - {name: E, mac: \"02:00:00:00:00:03\", domain: 2, config: c.json}\n  - {name: F, mac: \"02:00:00:00:00:04\", domain: 2, config: c.json}\n",
			[]string{"domain 2: 3 switches (B, E, F): a VLT domain is a pair"}},
		{"links", two + `links:
  - [A:Ethernet0, B:Ethernet0]
  - [A-Ethernet4, B:Ethernet4]
  - [A:Ethernet0, B:Ethernet8]
  - [X:Ethernet0, B:Ethernet12]
  - [A:Ethernet99, A:Ethernet4]
  - [A:Ethernet8, A:Ethernet12]
`, []string{`link 2 [A-Ethernet4, B:Ethernet4]: "A-Ethernet4": want switch:port`,
			`link 3 [A:Ethernet0, B:Ethernet8]: A:Ethernet0 is already used by link 1`,
			`link 4 [X:Ethernet0, B:Ethernet12]: X:Ethernet0: no switch "X"`,
			`link 5 [A:Ethernet99, A:Ethernet4]: A:Ethernet99: switch "A" has no port Ethernet99`,
			`link 6 [A:Ethernet8, A:Ethernet12]: both ends on switch "A"`}},
		{"hosts", two + `links:
  - [A:Ethernet0, B:Ethernet0]
hosts:
  - {name: H, mac: "02:00:00:00:01:01", ip: 10.0.0.1/24, gateway: 10.1.0.1, vlan: 10, at: A:Ethernet0}
  - {name: H, mac: "02:00:00:00:01:02", ip: 10.0.0.2/24, vlan: 10, at: A:Ethernet4}
  - {name: G, mac: "ff:ff:ff:ff:ff:ff", ip: 10.0.0.3, vlan: 5000, at: B:Ethernet4, moves_to: B:Ethernet4}
  - {name: K, mac: "00:00:00:00:00:00", ip: 10.0.0.4/24, vlan: 1}
`, []string{`host "H": gateway 10.1.0.1 is not in 10.0.0.0/24`, `host "H": A:Ethernet0 is already used by link 1`,
			`host "H": defined twice`, `host "G": mac: ff:ff:ff:ff:ff:ff: multicast`, `host "G": ip "10.0.0.3": want address/prefix length`,
			`host "G": vlan 5000`, `host "G" moves_to: B:Ethernet4 is already used by host "G"`, `host "K": mac: 00:00:00:00:00:00: all-zero`,
			`host "K": at: missing`}},
		{"udp base", "name: t\nudp_base_port: 65535\nswitches:\n  - {name: A, mac: \"02:00:00:00:00:01\", domain: 1, config: c.json}\n  - {name: B, mac: \"02:00:00:00:00:02\", domain: 2, config: c.json}\nlinks:\n  - [A:Ethernet0, B:Ethernet0]\n",
			[]string{"udp_base_port 65535: 1 links need ports up to 65536"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseTopology([]byte(tc.yaml), dir)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not say %q:\n%v", w, err)
				}
			}
		})
	}
	if _, err := LoadTopology(filepath.Join(dir, "nope.yaml")); err == nil || !strings.Contains(err.Error(), "nope.yaml") {
		t.Errorf("missing file: %v", err)
	}
}

func TestPlatformYAML(t *testing.T) {
	topo, _ := loadSquare(t, "square-vlt-diagonals.yaml")
	w, err := AllocateWiring(topo, "")
	if err != nil {
		t.Fatal(err)
	}
	addrs := map[string]bool{}
	for _, a := range w {
		if addrs[a] {
			t.Fatalf("address %s allocated twice: %v", a, w)
		}
		addrs[a] = true
	}
	if len(addrs) != 2*len(topo.Links) {
		t.Fatalf("%d addresses for %d links", len(addrs), len(topo.Links))
	}
	cfgs := map[string]*vs.Config{}
	for _, s := range topo.Switches {
		b, err := PlatformYAML(topo, w, s.Name)
		if err != nil {
			t.Fatal(err)
		}
		c, err := vs.ParseConfig(b)
		if err != nil {
			t.Fatalf("%s: %v\n%s", s.Name, err, b)
		}
		if c.SwitchMAC != s.MAC || len(c.Ports) != 4 {
			t.Fatalf("%s: %+v", s.Name, c)
		}
		cfgs[s.Name] = c
	}
	port := func(sw, name string) vs.PortConfig {
		for _, p := range cfgs[sw].Ports {
			if p.Name == name {
				return p
			}
		}
		t.Fatalf("%s has no %s", sw, name)
		return vs.PortConfig{}
	}
	// Every link: each end's peer is the other end's local address.
	for _, l := range topo.Links {
		a, _ := ParseEndpoint(l[0])
		b, _ := ParseEndpoint(l[1])
		pa, pb := port(a.Switch, a.Port), port(b.Switch, b.Port)
		if pa.Wire.Type != vs.WireUDP || pa.Wire.Peer != pb.Wire.Local || pb.Wire.Peer != pa.Wire.Local {
			t.Errorf("link %v: %+v / %+v", l, pa.Wire, pb.Wire)
		}
	}
	if p := port("C1", "Ethernet0"); p.Wire.Type != vs.WireNone || len(p.Lanes) != 4 || p.Lanes[0] != 0 {
		t.Errorf("host port C1:Ethernet0: %+v", p)
	}
	if p := port("D", "Ethernet12"); p.Lanes[0] != 12 || p.Lanes[3] != 15 {
		t.Errorf("D:Ethernet12 lanes %v", p.Lanes)
	}
	if _, err := PlatformYAML(topo, w, "Z"); err == nil {
		t.Error("unknown switch accepted")
	}
	if _, err := PlatformYAML(topo, Wiring{}, "C"); err == nil || !strings.Contains(err.Error(), "no UDP address") {
		t.Errorf("missing wiring: %v", err)
	}

	// A fixed base gives fixed addresses: link i uses base+2i, base+2i+1.
	topo.UDPBasePort = 47000
	w, err = AllocateWiring(topo, "")
	if err != nil {
		t.Fatal(err)
	}
	if w[Endpoint{"C", "Ethernet4"}] != "127.0.0.1:47000" || w[Endpoint{"D", "Ethernet4"}] != "127.0.0.1:47001" ||
		w[Endpoint{"D", "Ethernet12"}] != "127.0.0.1:47010" {
		t.Errorf("fixed wiring %v", w)
	}
}

func TestExpectedLearnedAndMyMAC(t *testing.T) {
	const (
		c, d, c1, d1 = "00:01:e8:00:00:0c", "00:01:e8:00:00:0d", "00:01:e8:00:01:0c", "00:01:e8:00:01:0d"
	)
	for _, file := range []string{"square-vlt.yaml", "square-vlt-diagonals.yaml"} {
		topo, cfgs := loadSquare(t, file)
		want := map[string][]string{"C": {c1, d1}, "D": {c1, d1}, "C1": {c, d}, "D1": {c, d}}
		for sw, w := range want {
			got := ExpectedLearned(topo, sw, cfgs, cfgs[sw])
			if strings.Join(got, " ") != strings.Join(w, " ") {
				t.Errorf("%s %s learns %v, want %v", file, sw, got, w)
			}
		}
		// C: remote C1, D1 on Vlan10 (30 excluded), peer D on 10 and 30.
		remote := map[string][]int{c1: {30}, d1: {30}}
		got := mymacStrings(ExpectedMyMAC(cfgs["C"], remote))
		if w := strings.Join([]string{d + "/vlan10", d + "/vlan30", c1 + "/vlan10", d1 + "/vlan10"}, " "); strings.Join(sortStr(got), " ") != strings.Join(sortStr(strings.Fields(w)), " ") {
			t.Errorf("%s C MY_MAC %v, want %s", file, got, w)
		}
		if n := len(ExpectedMyMAC(cfgs["C1"], map[string][]int{c: {30}, d: {30}})); n != 7 {
			t.Errorf("%s C1: %d MY_MAC entries, want 7 (C, D on 10 and 20; D1 on 10, 20, 30)", file, n)
		}
	}
	// Without diagonals and without vlt_peer_mac_transmit, C1 only hears C.
	topo, cfgs := loadSquare(t, "square-vlt.yaml")
	for _, sw := range topo.SwitchNames() {
		for k, f := range cfgs[sw].Tables["VLT_PROXY_GATEWAY"] {
			f["vlt_peer_mac_transmit"] = "false"
			cfgs[sw].Tables["VLT_PROXY_GATEWAY"][k] = f
		}
	}
	if got := ExpectedLearned(topo, "C1", cfgs, cfgs["C1"]); len(got) != 1 || got[0] != c {
		t.Errorf("C1 without transmit learns %v, want only C", got)
	}
	// A port with the TLV disabled learns nothing.
	cfgs["D1"].Tables["VLT_PROXY_GATEWAY_PORT"] = map[string]map[string]string{"Ethernet8": {"lldp_tlv": "disabled"}}
	if got := ExpectedLearned(topo, "D1", cfgs, cfgs["D1"]); len(got) != 0 {
		t.Errorf("D1 with the TLV disabled learns %v", got)
	}
}

func mymacStrings(m map[MyMAC]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k.String())
	}
	return out
}

func sortStr(s []string) []string {
	s = append([]string(nil), s...)
	sort.Strings(s)
	return s
}

// Each lab wires its switches on its own loopback address, so two labs
// started at once (make test runs several) cannot pick the same UDP port.
func TestLoopbackForAndWiringHost(t *testing.T) {
	a, b := LoopbackFor("/tmp/run/a"), LoopbackFor("/tmp/run/b")
	if a == b || a != LoopbackFor("/tmp/run/a") {
		t.Fatalf("LoopbackFor not a function of the run dir: %s %s", a, b)
	}
	for _, ip := range []string{a, b} {
		addr, err := netip.ParseAddr(ip)
		if err != nil || !addr.IsLoopback() || strings.HasPrefix(ip, "127.0.0.") {
			t.Fatalf("LoopbackFor = %q: want 127.a.b.c outside 127.0.0.0/24", ip)
		}
	}
	topo, _ := loadSquare(t, "square-vlt.yaml")
	w, err := AllocateWiring(topo, a)
	if err != nil {
		t.Fatal(err)
	}
	for e, addr := range w {
		if host, _, _ := net.SplitHostPort(addr); host != a {
			t.Errorf("%s wired on %s, want host %s", e, addr, a)
		}
	}
}
