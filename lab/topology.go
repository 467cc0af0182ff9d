package lab

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Topology is a lab file (YAML):
//
//	name: square-vlt
//	udp_base_port: 0        # 0: free loopback ports are picked at lab up
//	switches:
//	  - {name: C, mac: "00:01:e8:00:00:0c", domain: 1, config: square-vlt/C/config_db.json}
//	links:                  # cables between switch ports (UDP on loopback)
//	  - [C:Ethernet4, D:Ethernet4]
//	hosts_mode: auto        # auto (default), netns or simulated; see HostsMode
//	hosts:                  # endpoints on switch ports
//	  - {name: S, mac: "02:00:0a:14:00:32", ip: 10.20.0.50/24, gateway: 10.20.0.5, vlan: 20, at: D1:Ethernet0}
//
// Paths are relative to the topology file.
type Topology struct {
	Name        string `yaml:"name"`
	UDPBasePort int    `yaml:"udp_base_port"`
	// HostsMode says how hosts are made: netns (a Linux network namespace
	// per host on a veth pair whose other end is the switch port's
	// AF_PACKET wire), simulated (frames injected at / captured on the
	// port through vsd's control socket) or auto (the default: netns when
	// running as root with iproute2's ip, else simulated).
	HostsMode string   `yaml:"hosts_mode"`
	Switches  []Switch `yaml:"switches"`
	Links     []Link   `yaml:"links"`
	Hosts     []Host   `yaml:"hosts"`
	// Dir is the directory of the topology file (relative paths start there).
	Dir string `yaml:"-"`
}

// Switch is one virtual switch and its configuration.
type Switch struct {
	Name   string `yaml:"name"`
	MAC    string `yaml:"mac"`
	Domain int    `yaml:"domain"`
	// Config is the switch's config_db.json.
	Config string `yaml:"config"`
	// Ports are the front-panel ports (default Ethernet0, 4, 8, 12); port
	// EthernetN has lanes N..N+3.
	Ports []string `yaml:"ports"`
}

// Link is a cable between two switch ports, each "switch:port".
type Link [2]string

// Host is an endpoint on a switch port: simulated (frames injected and
// captured through vsd's control socket) or a network namespace (see
// Topology.HostsMode).
type Host struct {
	Name    string `yaml:"name"`
	MAC     string `yaml:"mac"`
	IP      string `yaml:"ip"` // address/prefix length
	Gateway string `yaml:"gateway"`
	VLAN    int    `yaml:"vlan"`
	// At is where the host is attached, "switch:port".
	At string `yaml:"at"`
	// MovesTo is where it live-migrates to in the demo (optional).
	MovesTo string `yaml:"moves_to"`
}

// Endpoint is a switch port.
type Endpoint struct{ Switch, Port string }

func (e Endpoint) String() string { return e.Switch + ":" + e.Port }

var (
	nameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,31}$`)
	portRE = regexp.MustCompile(`^Ethernet([0-9]{1,4})$`)
)

// DefaultPorts are a switch's ports when the topology does not list them.
var DefaultPorts = []string{"Ethernet0", "Ethernet4", "Ethernet8", "Ethernet12"}

// LoadTopology reads, parses and validates a topology file.
func LoadTopology(path string) (*Topology, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("topology: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("topology: %w", err)
	}
	t, err := ParseTopology(b, filepath.Dir(abs))
	if err != nil {
		return nil, fmt.Errorf("topology %s: %w", path, err)
	}
	return t, nil
}

// ParseTopology parses and validates a topology whose relative paths start
// at dir. Unknown fields are errors; every problem found is reported.
func ParseTopology(b []byte, dir string) (*Topology, error) {
	var t Topology
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	t.Dir = dir
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return &t, nil
}

// ParseEndpoint parses "switch:port".
func ParseEndpoint(s string) (Endpoint, error) {
	sw, port, ok := strings.Cut(s, ":")
	if !ok || sw == "" || port == "" || strings.Contains(port, ":") {
		return Endpoint{}, fmt.Errorf("%q: want switch:port, e.g. C:Ethernet4", s)
	}
	return Endpoint{sw, port}, nil
}

// Validate checks the topology and fills defaults (ports). It reports every
// problem, each naming the switch, link or host.
func (t *Topology) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if !nameRE.MatchString(t.Name) {
		bad("name %q: want a letter then letters, digits, - or _ (at most 32)", t.Name)
	}
	switch t.HostsMode {
	case "":
		t.HostsMode = HostsAuto
	case HostsAuto, HostsNetns, HostsSimulated:
	default:
		bad("hosts_mode %q: want auto, netns or simulated", t.HostsMode)
	}
	if t.UDPBasePort < 0 || t.UDPBasePort > 65535 {
		bad("udp_base_port %d: want 0 (pick free ports) or 1-65535", t.UDPBasePort)
	}
	if len(t.Switches) == 0 {
		bad("switches: none")
	}
	ports := map[string]map[string]bool{}
	macs := map[string]string{}
	domains := map[int][]string{}
	for i := range t.Switches {
		s := &t.Switches[i]
		where := fmt.Sprintf("switch %q", s.Name)
		if !nameRE.MatchString(s.Name) {
			bad("switches[%d]: name %q: want a letter then letters, digits, - or _ (at most 32)", i, s.Name)
			continue
		}
		if ports[s.Name] != nil {
			bad("%s: defined twice", where)
			continue
		}
		ports[s.Name] = map[string]bool{}
		if m, err := unicastMAC(s.MAC); err != nil {
			bad("%s: mac: %v", where, err)
		} else if other, dup := macs[m]; dup {
			bad("%s: mac %s already used by switch %q", where, m, other)
		} else {
			s.MAC = m
			macs[m] = s.Name
		}
		if s.Domain < 1 || s.Domain > 1000 {
			bad("%s: domain %d: want a VLT domain id 1-1000", where, s.Domain)
		} else {
			domains[s.Domain] = append(domains[s.Domain], s.Name)
		}
		if s.Config == "" {
			bad("%s: config: missing (the switch's config_db.json)", where)
		} else if _, err := os.Stat(t.Path(s.Config)); err != nil {
			bad("%s: config: %v", where, err)
		}
		if len(s.Ports) == 0 {
			s.Ports = append([]string(nil), DefaultPorts...)
		}
		lanes := map[int]string{}
		for _, p := range s.Ports {
			m := portRE.FindStringSubmatch(p)
			if m == nil {
				bad("%s: port %q: want EthernetN", where, p)
				continue
			}
			if ports[s.Name][p] {
				bad("%s: port %s listed twice", where, p)
				continue
			}
			n, _ := strconv.Atoi(m[1])
			for l := n; l < n+4; l++ {
				if other, dup := lanes[l]; dup {
					bad("%s: port %s: lane %d overlaps port %s (EthernetN has lanes N..N+3)", where, p, l, other)
					break
				}
				lanes[l] = p
			}
			ports[s.Name][p] = true
		}
	}
	for d, members := range domains {
		if len(members) > 2 {
			bad("domain %d: %d switches (%s): a VLT domain is a pair", d, len(members), strings.Join(members, ", "))
		}
	}
	used := map[Endpoint]string{}
	endpoint := func(what, s string) (Endpoint, bool) {
		e, err := ParseEndpoint(s)
		if err != nil {
			bad("%s: %v", what, err)
			return e, false
		}
		sw, ok := ports[e.Switch]
		if !ok {
			bad("%s: %s: no switch %q", what, s, e.Switch)
			return e, false
		}
		if !sw[e.Port] {
			bad("%s: %s: switch %q has no port %s", what, s, e.Switch, e.Port)
			return e, false
		}
		if other, dup := used[e]; dup {
			bad("%s: %s is already used by %s", what, s, other)
			return e, false
		}
		used[e] = what
		return e, true
	}
	for i, l := range t.Links {
		what := fmt.Sprintf("link %d [%s, %s]", i+1, l[0], l[1])
		a, okA := endpoint(what, l[0])
		b, okB := endpoint(what, l[1])
		if okA && okB && a.Switch == b.Switch {
			bad("%s: both ends on switch %q", what, a.Switch)
		}
	}
	if t.UDPBasePort > 0 && t.UDPBasePort+2*len(t.Links) > 65536 {
		bad("udp_base_port %d: %d links need ports up to %d", t.UDPBasePort, len(t.Links), t.UDPBasePort+2*len(t.Links)-1)
	}
	hostNames := map[string]bool{}
	for i := range t.Hosts {
		h := &t.Hosts[i]
		what := fmt.Sprintf("host %q", h.Name)
		if !nameRE.MatchString(h.Name) {
			bad("hosts[%d]: name %q: want a letter then letters, digits, - or _", i, h.Name)
			continue
		}
		if hostNames[h.Name] {
			bad("%s: defined twice", what)
			continue
		}
		hostNames[h.Name] = true
		if m, err := unicastMAC(h.MAC); err != nil {
			bad("%s: mac: %v", what, err)
		} else {
			h.MAC = m
		}
		pfx, err := netip.ParsePrefix(h.IP)
		if err != nil {
			bad("%s: ip %q: want address/prefix length, e.g. 10.10.0.100/24", what, h.IP)
		}
		if h.Gateway != "" {
			gw, err := netip.ParseAddr(h.Gateway)
			if err != nil {
				bad("%s: gateway %q: not an IP address", what, h.Gateway)
			} else if pfx.IsValid() && !pfx.Masked().Contains(gw) {
				bad("%s: gateway %s is not in %s", what, gw, pfx.Masked())
			}
		}
		if h.VLAN < 1 || h.VLAN > 4094 {
			bad("%s: vlan %d: want 1-4094", what, h.VLAN)
		}
		if h.At == "" {
			bad("%s: at: missing (switch:port)", what)
		} else {
			endpoint(what, h.At)
		}
		if h.MovesTo != "" {
			endpoint(what+" moves_to", h.MovesTo)
		}
	}
	return errors.Join(errs...)
}

// Path resolves a path of the topology file.
func (t *Topology) Path(p string) string {
	if filepath.IsAbs(p) || t.Dir == "" {
		return p
	}
	return filepath.Join(t.Dir, p)
}

// Switch returns the named switch.
func (t *Topology) Switch(name string) (*Switch, bool) {
	for i := range t.Switches {
		if t.Switches[i].Name == name {
			return &t.Switches[i], true
		}
	}
	return nil, false
}

// Host returns the named host.
func (t *Topology) Host(name string) (*Host, bool) {
	for i := range t.Hosts {
		if t.Hosts[i].Name == name {
			return &t.Hosts[i], true
		}
	}
	return nil, false
}

// Peer returns the other end of a cabled port.
func (t *Topology) Peer(e Endpoint) (Endpoint, bool) {
	for _, l := range t.Links {
		a, _ := ParseEndpoint(l[0])
		b, _ := ParseEndpoint(l[1])
		if a == e {
			return b, true
		}
		if b == e {
			return a, true
		}
	}
	return Endpoint{}, false
}

// VLTPeer returns the other switch of a switch's domain.
func (t *Topology) VLTPeer(name string) (*Switch, bool) {
	s, ok := t.Switch(name)
	if !ok {
		return nil, false
	}
	for i := range t.Switches {
		o := &t.Switches[i]
		if o.Name != name && o.Domain == s.Domain {
			return o, true
		}
	}
	return nil, false
}

// SwitchNames lists the switches in file order.
func (t *Topology) SwitchNames() []string {
	out := make([]string, len(t.Switches))
	for i, s := range t.Switches {
		out[i] = s.Name
	}
	return out
}

// unicastMAC normalises a unicast, non-zero MAC to lower-case colon form.
func unicastMAC(s string) (string, error) {
	m, err := net.ParseMAC(s)
	if err != nil || len(m) != 6 {
		return "", fmt.Errorf("%q: want a 6-octet MAC such as 00:01:e8:00:00:0c", s)
	}
	if m[0]&1 != 0 {
		return "", fmt.Errorf("%s: multicast or broadcast; want a unicast MAC", s)
	}
	if bytes.Equal(m, make([]byte, 6)) {
		return "", fmt.Errorf("%s: all-zero", s)
	}
	return m.String(), nil
}

// sortedKeys returns a map's keys sorted.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
