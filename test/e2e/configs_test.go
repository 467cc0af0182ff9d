package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vltgw/vltgw/lab"
)

// panicTB lets vmFrame run off the test goroutine: a failure there (a bad
// constant MAC) is a bug of the test, not a finding.
type panicTB struct{ testing.TB }

func (p panicTB) Helper()               {}
func (p panicTB) Fatal(args ...any)     { panic(args) }
func (p panicTB) Fatalf(string, ...any) { panic("vmFrame") }

// noTransmitTopology writes lab/square-vlt.yaml and its configs with
// vlt_peer_mac_transmit false into a temp dir (topology
// square-vlt-notransmit) and returns the topology's path.
func noTransmitTopology(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	b, err := os.ReadFile("../../lab/square-vlt.yaml")
	if err != nil {
		t.Fatal(err)
	}
	y := strings.Replace(string(b), "\nname: square-vlt\n", "\nname: square-vlt-notransmit\n", 1)
	y = strings.ReplaceAll(y, "config: square-vlt/", "config: square-vlt-notransmit/")
	if strings.Count(y, "square-vlt-notransmit") != 5 {
		t.Fatalf("lab/square-vlt.yaml changed shape; cannot derive the no-transmit variant:\n%s", y)
	}
	base, err := lab.LoadTopology("../../lab/square-vlt.yaml")
	if err != nil {
		t.Fatal(err)
	}
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
		if len(cfg["VLT_PROXY_GATEWAY"]) == 0 {
			t.Fatalf("%s: no VLT_PROXY_GATEWAY row", src)
		}
		for _, row := range cfg["VLT_PROXY_GATEWAY"] {
			row["vlt_peer_mac_transmit"] = "false"
		}
		out, err := json.MarshalIndent(cfg, "", "    ")
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, "square-vlt-notransmit", s.Name, "config_db.json")
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, append(out, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "square-vlt-notransmit.yaml")
	if err := os.WriteFile(path, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkTopology runs a topology's configs through the lab's checks (the
// topology cross-check and cfgmgrd's rules, as lab up does) and yanglint.
func checkTopology(t *testing.T, path string) (*lab.Topology, map[string]*lab.SwitchConfig) {
	t.Helper()
	topo, err := lab.LoadTopology(path)
	if err != nil {
		t.Fatal(err)
	}
	yanglint, err := exec.LookPath("yanglint")
	if err != nil {
		t.Fatalf("yanglint not installed (make deps installs libyang2-tools): %v", err)
	}
	model, err := filepath.Abs("../../yang/sonic-vlt.yang")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfgs := map[string]*lab.SwitchConfig{}
	for _, s := range topo.Switches {
		c, err := lab.LoadSwitchConfig(topo.Path(s.Config))
		if err != nil {
			t.Fatal(err)
		}
		cfgs[s.Name] = c
		if err := c.CheckAgainst(&s); err != nil {
			t.Error(err)
		}
		if err := c.CheckRules(); err != nil {
			t.Errorf("%s: cfgmgr rules: %v", s.Name, err)
		}
		doc, err := c.YANGInstance()
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, s.Name+".json")
		if err := os.WriteFile(p, doc, 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(yanglint, "-t", "config", model, p).CombinedOutput(); err != nil {
			t.Errorf("%s %s: yanglint: %v\n%s\n%s", path, s.Name, err, out, doc)
		}
	}
	return topo, cfgs
}

// TestTopologyConfigs: the variants the scenarios use pass the lab's
// config checks and yanglint, and say what they are meant to.
func TestTopologyConfigs(t *testing.T) {
	t.Run("static", func(t *testing.T) {
		topo, cfgs := checkTopology(t, "../../lab/square-vlt-static.yaml")
		if topo.Name != "square-vlt-static" || len(topo.Links) != 4 || len(topo.Hosts) != 2 {
			t.Errorf("topology %s: %d links, %d hosts", topo.Name, len(topo.Links), len(topo.Hosts))
		}
		for _, s := range topo.Switches {
			pg := cfgs[s.Name].ProxyGateway()
			want := []string{macC1, macD1}
			if s.Domain == 2 {
				want = []string{macC, macD}
			}
			var got []string
			for m, excl := range pg.RemoteStatic {
				got = append(got, m)
				if !slices.Equal(excl, []int{30}) {
					t.Errorf("%s: remote MAC %s excludes %v, want [30]", s.Name, m, excl)
				}
			}
			slices.Sort(got)
			if pg.Mode != "static" || pg.Transmit || pg.DomainLink != "" || !pg.PeerRouting || !slices.Equal(got, want) {
				t.Errorf("%s: proxy gateway %+v, want static with remote MACs %v", s.Name, pg, want)
			}
		}
	})
	t.Run("notransmit", func(t *testing.T) {
		topo, cfgs := checkTopology(t, noTransmitTopology(t))
		for _, s := range topo.Switches {
			pg := cfgs[s.Name].ProxyGateway()
			if pg.Mode != "lldp" || pg.Transmit || pg.DomainLink != "PortChannel100" {
				t.Errorf("%s: proxy gateway %+v, want lldp without transmit", s.Name, pg)
			}
			if got := lab.ExpectedLearned(topo, s.Name, cfgs, cfgs[s.Name]); len(got) != 1 {
				t.Errorf("%s learns %v, want only the switch across the interconnect", s.Name, got)
			}
		}
	})
}
