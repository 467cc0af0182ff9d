package lab

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strings"
)

// Host modes (Topology.HostsMode, Options.HostsMode).
const (
	HostsAuto      = "auto"
	HostsNetns     = "netns"
	HostsSimulated = "simulated"
)

// HostRun is a host of a lab in netns mode: a network namespace whose
// interface eth0 is one end of a veth pair; the other end (Veth) stays in
// the lab's namespace and is the switch port's AF_PACKET wire.
type HostRun struct {
	Name  string `json:"name"`
	Netns string `json:"netns"`
	// Veth is the switch-side end of the pair, in the lab's namespace.
	Veth string `json:"veth"`
	// Ifname carries the host's address in its namespace: eth0, or
	// eth0.<vlan> when the switch port is a tagged member of its VLAN.
	Ifname string `json:"ifname"`
	// At is the switch port the host is plugged into: its moves_to port
	// when it has one (the state after the live migration), else at.
	At         string `json:"at"`
	MAC        string `json:"mac"`
	IP         string `json:"ip"` // address/prefix length
	Gateway    string `json:"gateway,omitempty"`
	GatewayMAC string `json:"gateway_mac,omitempty"`
	// Tag is the VLAN tag on the wire (0: untagged).
	Tag int `json:"tag,omitempty"`
}

// Addr is the host's address.
func (h HostRun) Addr() netip.Addr {
	p, _ := netip.ParsePrefix(h.IP)
	return p.Addr()
}

// NetObject is a network namespace or a veth the lab created (recorded in
// the state file, so lab down removes those and nothing else).
type NetObject struct {
	Kind string `json:"kind"` // netns or veth
	Name string `json:"name"`
}

// RunID is a short identifier of a run directory (six hex digits of a
// hash of its absolute path): the hosts' namespace and veth names carry
// it, so labs in different run directories never share one.
func RunID(runDir string) string {
	sum := sha256.Sum256([]byte(runDir))
	return hex.EncodeToString(sum[:3])
}

// ResolveHostsMode picks the host mode: override (Options.HostsMode) when
// set, else the topology's; auto means netns when running as root with
// iproute2's ip, else simulated. why explains the choice. An explicit
// netns without root or ip is an error.
func ResolveHostsMode(t *Topology, override string) (mode, why string, err error) {
	mode = override
	if mode == "" {
		mode = t.HostsMode
	}
	if mode == "" {
		mode = HostsAuto
	}
	if len(t.Hosts) == 0 {
		return HostsSimulated, "the topology has no hosts", nil
	}
	var missing string
	if os.Geteuid() != 0 {
		missing = fmt.Sprintf("not running as root (uid %d)", os.Geteuid())
	} else if _, lerr := exec.LookPath("ip"); lerr != nil {
		missing = "iproute2's ip not found"
	}
	switch mode {
	case HostsSimulated:
		return mode, "hosts_mode simulated", nil
	case HostsNetns:
		if missing != "" {
			return "", "", fmt.Errorf("hosts_mode netns: network namespaces need root and iproute2's ip: %s", missing)
		}
		return mode, "hosts_mode netns", nil
	case HostsAuto:
		if missing != "" {
			return HostsSimulated, "hosts_mode auto: " + missing, nil
		}
		return HostsNetns, "hosts_mode auto: running as root with ip", nil
	}
	return "", "", fmt.Errorf("hosts mode %q: want auto, netns or simulated", mode)
}

// PlanHosts derives each host's namespace, veth and addressing: it is
// plugged at its moves_to port when it has one (else at); the port's
// VLAN membership says whether its frames are tagged; the gateway's MAC
// is that of the switch holding the gateway address on the host's VLAN
// (a permanent neighbour entry in the namespace: VM1's stale ARP cache of
// spec §8).
func PlanHosts(t *Topology, cfgs map[string]*SwitchConfig, runID string) ([]HostRun, error) {
	var out []HostRun
	var errs []error
	for i, h := range t.Hosts {
		at := h.At
		if h.MovesTo != "" {
			at = h.MovesTo
		}
		e, err := ParseEndpoint(at)
		if err != nil {
			errs = append(errs, fmt.Errorf("host %s: %w", h.Name, err))
			continue
		}
		r := HostRun{Name: h.Name, Netns: fmt.Sprintf("vltgw-%s-%s-%s", t.Name, runID, h.Name),
			Veth: fmt.Sprintf("vg%s-%d", runID, i), Ifname: "eth0", At: at, MAC: h.MAC, IP: h.IP, Gateway: h.Gateway}
		c := cfgs[e.Switch]
		if c == nil {
			errs = append(errs, fmt.Errorf("host %s: no config of switch %s", h.Name, e.Switch))
			continue
		}
		switch mode := c.Get("VLAN_MEMBER", fmt.Sprintf("Vlan%d|%s", h.VLAN, e.Port))["tagging_mode"]; mode {
		case "untagged":
		case "tagged":
			r.Tag = h.VLAN
			r.Ifname = fmt.Sprintf("eth0.%d", h.VLAN)
		default:
			errs = append(errs, fmt.Errorf("host %s: %s is not a member of Vlan%d in %s's config", h.Name, at, h.VLAN, e.Switch))
			continue
		}
		if h.Gateway != "" {
			gw, _ := netip.ParseAddr(h.Gateway)
			for _, s := range t.Switches {
				if a, ok := cfgs[s.Name].VLANAddr(h.VLAN); ok && a.Addr() == gw {
					r.GatewayMAC = s.MAC
				}
			}
			if r.GatewayMAC == "" {
				errs = append(errs, fmt.Errorf("host %s: no switch has its gateway %s on Vlan%d", h.Name, h.Gateway, h.VLAN))
				continue
			}
		}
		if len(r.Veth) > 15 {
			errs = append(errs, fmt.Errorf("host %s: interface name %s longer than 15 characters", h.Name, r.Veth))
			continue
		}
		out = append(out, r)
	}
	return out, errors.Join(errs...)
}

// Step is one iproute2 command of a host's setup; Creates names the object
// it creates (recorded once it succeeded).
type Step struct {
	Args    []string
	Creates *NetObject
}

func (s Step) String() string { return "ip " + strings.Join(s.Args, " ") }

// SetupSteps are the ip commands that build a host: the namespace, the
// veth pair (eth0 created straight in the namespace), eth0's MAC, no IPv6
// address generation (the host then sends nothing unasked: no router or
// neighbour solicitations, no MLD), a VLAN interface when the port is
// tagged, the address, the permanent neighbour entry for the gateway and
// the default route. The switch-side end is left down: vsd brings it up
// with the port.
func SetupSteps(h HostRun) []Step {
	ns := h.Netns
	in := func(args ...string) Step { return Step{Args: append([]string{"-n", ns}, args...)} }
	steps := []Step{
		{Args: []string{"netns", "add", ns}, Creates: &NetObject{"netns", ns}},
		{Args: []string{"link", "add", h.Veth, "type", "veth", "peer", "name", "eth0", "netns", ns}, Creates: &NetObject{"veth", h.Veth}},
		in("link", "set", "lo", "up"),
		in("link", "set", "eth0", "address", h.MAC, "addrgenmode", "none"),
	}
	if h.Tag > 0 {
		steps = append(steps, in("link", "add", "link", "eth0", "name", h.Ifname, "address", h.MAC, "type", "vlan", "id", fmt.Sprint(h.Tag)),
			in("link", "set", h.Ifname, "addrgenmode", "none"))
	}
	steps = append(steps, in("link", "set", "eth0", "up"))
	if h.Tag > 0 {
		steps = append(steps, in("link", "set", h.Ifname, "up"))
	}
	steps = append(steps, in("addr", "add", h.IP, "dev", h.Ifname))
	if h.Gateway != "" {
		steps = append(steps, in("neigh", "replace", h.Gateway, "lladdr", h.GatewayMAC, "dev", h.Ifname, "nud", "permanent"),
			in("route", "add", "default", "via", h.Gateway, "dev", h.Ifname))
	}
	return steps
}

// TeardownSteps are the ip commands that remove what the lab created, in
// reverse order: a veth by its switch-side end (its peer goes with it),
// a namespace by name.
func TeardownSteps(created []NetObject) []Step {
	var out []Step
	for i := len(created) - 1; i >= 0; i-- {
		switch o := created[i]; o.Kind {
		case "veth":
			out = append(out, Step{Args: []string{"link", "del", o.Name}})
		case "netns":
			out = append(out, Step{Args: []string{"netns", "del", o.Name}})
		}
	}
	return out
}

// hostAttachments maps the switch ports hosts are plugged into to their
// veth (the AF_PACKET wire's interface).
func hostAttachments(hosts []HostRun) map[Endpoint]string {
	out := map[Endpoint]string{}
	for _, h := range hosts {
		if e, err := ParseEndpoint(h.At); err == nil {
			out[e] = h.Veth
		}
	}
	return out
}

// runIP runs one ip command; the error carries its output.
func runIP(s Step) error {
	out, err := exec.Command("ip", s.Args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %v: %s", s, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// netObjectExists reports whether a namespace or interface of that name
// exists in the lab's namespace.
func netObjectExists(o NetObject) bool {
	switch o.Kind {
	case "netns":
		_, err := os.Stat(netnsPath(o.Name))
		return err == nil
	case "veth":
		_, err := os.Stat("/sys/class/net/" + o.Name)
		return err == nil
	}
	return false
}

// createHosts builds every host's namespace; each created object is
// recorded (and the state saved) as soon as it exists.
func (l *Lab) createHosts(hosts []HostRun) error {
	for _, h := range hosts {
		for _, s := range SetupSteps(h) {
			if s.Creates != nil && netObjectExists(*s.Creates) {
				return fmt.Errorf("host %s: %s %s already exists and this lab did not create it; remove it or use another --run-dir", h.Name, s.Creates.Kind, s.Creates.Name)
			}
			if err := runIP(s); err != nil {
				return fmt.Errorf("host %s: %w", h.Name, err)
			}
			if s.Creates != nil {
				l.mu.Lock()
				l.State.Created = append(l.State.Created, *s.Creates)
				l.mu.Unlock()
				if err := l.save(); err != nil {
					return err
				}
			}
		}
		if err := disableTxChecksum(h); err != nil {
			return fmt.Errorf("host %s: %w", h.Name, err)
		}
		l.mu.Lock()
		l.State.Hosts = append(l.State.Hosts, h)
		l.mu.Unlock()
		fmt.Fprintf(l.opts.Progress, "%-4s network namespace %s (%s %s on %s, gateway %s at %s) plugged into %s through veth %s\n",
			h.Name, h.Netns, h.Ifname, h.IP, h.MAC, h.Gateway, h.GatewayMAC, h.At, h.Veth)
	}
	return l.save()
}

// removeHosts deletes the namespaces and veths the lab created (and only
// those), forgetting each once gone.
func (l *Lab) removeHosts() error {
	l.mu.Lock()
	created := append([]NetObject(nil), l.State.Created...)
	l.mu.Unlock()
	var errs []error
	var left []NetObject
	for i := len(created) - 1; i >= 0; i-- {
		o := created[i]
		if !netObjectExists(o) { // a veth goes with its namespace, and the other way round
			continue
		}
		if err := runIP(TeardownSteps([]NetObject{o})[0]); err != nil && netObjectExists(o) {
			errs = append(errs, err)
			left = append([]NetObject{o}, left...)
		}
	}
	l.mu.Lock()
	l.State.Created = left
	if len(left) == 0 {
		l.State.Hosts = nil
	}
	l.mu.Unlock()
	return errors.Join(errs...)
}

// netnsPath is where ip netns keeps a namespace's handle.
func netnsPath(name string) string {
	if _, err := os.Stat("/var/run/netns"); err == nil {
		return "/var/run/netns/" + name
	}
	return "/run/netns/" + name
}
