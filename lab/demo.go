package lab

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	vsv1 "github.com/vltgw/vltgw/proto/vs/v1"
)

// DemoPlan is the VM-migration demo derived from a topology (spec §8):
// the migrated host sends a frame to its old gateway's MAC, towards a host
// in another subnet, at the port it moved to.
type DemoPlan struct {
	Host         Host     // VM1
	At           Endpoint // where it moved: C1:Ethernet0
	Router       *Switch  // the switch at At: C1
	Gateway      *Switch  // owner of the host's gateway address: C
	GatewayIP    netip.Addr
	Dest         Host       // S
	DestAt       Endpoint   // D1:Ethernet0
	TagAt        int        // 0 when At is an untagged member of the host's VLAN
	Interconnect []Endpoint // member ports of every switch's peer-domain link
	// ExcludedVLAN is a VLAN excluded from the proxy gateway at Router
	// that At carries tagged (0: none); the frame is bridged there.
	ExcludedVLAN int
}

// PlanDemo derives the demo from the topology and the switches' configs.
func PlanDemo(t *Topology, cfgs map[string]*SwitchConfig) (*DemoPlan, error) {
	var p DemoPlan
	found := false
	for _, h := range t.Hosts {
		if h.MovesTo != "" {
			p.Host, found = h, true
			break
		}
	}
	if !found {
		return nil, errors.New("demo: no host with moves_to in the topology (the VM that live-migrates)")
	}
	var err error
	if p.At, err = ParseEndpoint(p.Host.MovesTo); err != nil {
		return nil, err
	}
	p.Router, _ = t.Switch(p.At.Switch)
	if p.GatewayIP, err = netip.ParseAddr(p.Host.Gateway); err != nil {
		return nil, fmt.Errorf("demo: host %s: gateway %q: %v", p.Host.Name, p.Host.Gateway, err)
	}
	for i := range t.Switches {
		s := &t.Switches[i]
		if a, ok := cfgs[s.Name].VLANAddr(p.Host.VLAN); ok && a.Addr() == p.GatewayIP {
			p.Gateway = s
		}
	}
	if p.Gateway == nil {
		return nil, fmt.Errorf("demo: no switch has %s on Vlan%d (host %s's gateway)", p.GatewayIP, p.Host.VLAN, p.Host.Name)
	}
	if p.Gateway.Name == p.Router.Name {
		return nil, fmt.Errorf("demo: host %s moves to its own gateway %s; nothing to proxy", p.Host.Name, p.Gateway.Name)
	}
	src, _ := netip.ParsePrefix(p.Host.IP)
	found = false
	for _, h := range t.Hosts {
		dst, err := netip.ParsePrefix(h.IP)
		if h.Name != p.Host.Name && err == nil && !src.Masked().Contains(dst.Addr()) {
			p.Dest, found = h, true
			break
		}
	}
	if !found {
		return nil, fmt.Errorf("demo: no host outside %s to send to", src.Masked())
	}
	if p.DestAt, err = ParseEndpoint(p.Dest.At); err != nil {
		return nil, err
	}
	rc := cfgs[p.Router.Name]
	mode := rc.Get("VLAN_MEMBER", fmt.Sprintf("Vlan%d|%s", p.Host.VLAN, p.At.Port))["tagging_mode"]
	switch mode {
	case "untagged":
	case "tagged":
		p.TagAt = p.Host.VLAN
	default:
		return nil, fmt.Errorf("demo: %s is not a member of Vlan%d", p.At, p.Host.VLAN)
	}
	for _, s := range t.Switches {
		c := cfgs[s.Name]
		for _, m := range c.LAGMembers(c.ProxyGateway().DomainLink) {
			p.Interconnect = append(p.Interconnect, Endpoint{s.Name, m})
		}
	}
	l3 := map[int]bool{}
	for _, v := range rc.L3VLANs() {
		l3[v] = true
	}
	for _, v := range rc.ProxyGateway().Exclude {
		if l3[v] && rc.Get("VLAN_MEMBER", fmt.Sprintf("Vlan%d|%s", v, p.At.Port))["tagging_mode"] == "tagged" {
			p.ExcludedVLAN = v
			break
		}
	}
	return &p, nil
}

func (p *DemoPlan) interconnect(e Endpoint) bool {
	for _, x := range p.Interconnect {
		if x == e {
			return true
		}
	}
	return false
}

// Seen is a demo frame captured leaving a switch port.
type Seen struct {
	At    Endpoint
	Frame *Frame
}

func (s Seen) String() string { return fmt.Sprintf("%-14s %s", s.At.String(), s.Frame) }

// DemoResult is what one injected frame did.
type DemoResult struct {
	Case string
	// Sent is the injected frame.
	Sent *Frame
	// RoutedMyMAC is the router's routed_my_mac counter increase.
	RoutedMyMAC uint64
	// Egress lists every copy of the frame captured on any switch port.
	Egress []Seen
	// Problems lists the expectations that failed (empty: as expected).
	Problems []string
	// Received is the datagram the destination host's socket got (netns
	// hosts: the frame was sent by a real socket), nil otherwise.
	Received *Datagram
	// Ping is the round-trip time of a ping from the host to the
	// destination after the datagram (netns hosts; 0: no reply, see
	// PingErr).
	Ping    time.Duration
	PingErr error
}

// OK reports whether every expectation held.
func (r *DemoResult) OK() bool { return len(r.Problems) == 0 }

// AnalyzeRouted checks the proxy-gateway case: the router routed the frame
// itself (routed_my_mac, TTL−1, source MAC = its own), the copy reached
// the destination host's port, and no copy left by an interconnect port.
func AnalyzeRouted(p *DemoPlan, sent *Frame, routedMyMAC uint64, egress []Seen) *DemoResult {
	r := &DemoResult{Case: "routed", Sent: sent, RoutedMyMAC: routedMyMAC, Egress: egress}
	bad := func(format string, a ...any) { r.Problems = append(r.Problems, fmt.Sprintf(format, a...)) }
	if routedMyMAC == 0 {
		bad("%s's routed_my_mac counter did not move: no MY_MAC entry for %s on Vlan%d", p.Router.Name, p.Gateway.MAC, p.Host.VLAN)
	}
	routerOut, delivered := false, false
	for _, s := range egress {
		if p.interconnect(s.At) {
			bad("the frame crossed the interconnect: %s", s)
		}
		if s.At.Switch == p.Router.Name && !p.interconnect(s.At) {
			routerOut = true
			if s.Frame.Src.String() != p.Router.MAC {
				bad("%s sent it with source MAC %s, not its own %s", s.At, s.Frame.Src, p.Router.MAC)
			}
			if s.Frame.TTL != sent.TTL-1 {
				bad("%s sent it with TTL %d, want %d (routed once)", s.At, s.Frame.TTL, sent.TTL-1)
			}
		}
		if s.At == p.DestAt {
			delivered = true
			if s.Frame.Dst.String() != p.Dest.MAC {
				bad("%s delivered it to %s, not %s's MAC %s", s.At, s.Frame.Dst, p.Dest.Name, p.Dest.MAC)
			}
		}
	}
	if !routerOut {
		bad("%s sent no copy out of a local port", p.Router.Name)
	}
	if !delivered {
		bad("%s (%s) did not receive it", p.Dest.Name, p.DestAt)
	}
	return r
}

// AnalyzeBridged checks the excluded-VLAN case: the router did not route
// (routed_my_mac unchanged), and the frame left it unchanged (same source
// MAC and TTL) by an interconnect port, towards the gateway's domain.
func AnalyzeBridged(p *DemoPlan, sent *Frame, routedMyMAC uint64, egress []Seen) *DemoResult {
	r := &DemoResult{Case: "bridged", Sent: sent, RoutedMyMAC: routedMyMAC, Egress: egress}
	bad := func(format string, a ...any) { r.Problems = append(r.Problems, fmt.Sprintf(format, a...)) }
	if routedMyMAC != 0 {
		bad("%s routed a frame on excluded Vlan%d (routed_my_mac +%d)", p.Router.Name, p.ExcludedVLAN, routedMyMAC)
	}
	crossed := false
	for _, s := range egress {
		// Copies on other VLANs are what the gateway routed back (the
		// trombone the proxy gateway avoids); only the bridged ones count.
		if s.At.Switch != p.Router.Name || s.Frame.VLAN != p.ExcludedVLAN {
			continue
		}
		if s.Frame.TTL != sent.TTL || s.Frame.Src.String() != sent.Src.String() {
			bad("%s changed the frame (%s): it was routed, not bridged", s.At, s.Frame)
		}
		if p.interconnect(s.At) {
			crossed = true
		}
	}
	if !crossed {
		bad("%s did not bridge it towards %s over the interconnect", p.Router.Name, p.Gateway.Name)
	}
	return r
}

// controls are gRPC clients of each switch's vs control socket.
type controls struct {
	conns   []*grpc.ClientConn
	clients map[string]vsv1.VsControlClient
}

// Control returns a client of a switch's vs control service (inject,
// captures, counters, link up/down) and the function that closes it.
func (l *Lab) Control(name string) (vsv1.VsControlClient, func() error, error) {
	r, ok := l.Run(name)
	if !ok {
		return nil, nil, fmt.Errorf("lab %s has no switch %q", l.State.Name, name)
	}
	cc, err := grpc.NewClient("unix://"+r.ControlSocket, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, nil, fmt.Errorf("switch %s control socket: %w", name, err)
	}
	return vsv1.NewVsControlClient(cc), cc.Close, nil
}

func dialControls(l *Lab) (*controls, error) {
	c := &controls{clients: map[string]vsv1.VsControlClient{}}
	for _, r := range l.State.Switches {
		cc, err := grpc.NewClient("unix://"+r.ControlSocket, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			c.close()
			return nil, fmt.Errorf("switch %s control socket: %w", r.Name, err)
		}
		c.conns = append(c.conns, cc)
		c.clients[r.Name] = vsv1.NewVsControlClient(cc)
	}
	return c, nil
}

func (c *controls) close() {
	for _, cc := range c.conns {
		cc.Close()
	}
}

func (c *controls) stage(ctx context.Context, sw, name string) (uint64, error) {
	resp, err := c.clients[sw].Counters(ctx, &vsv1.CountersRequest{})
	if err != nil {
		return 0, fmt.Errorf("switch %s counters: %w", sw, err)
	}
	return resp.GetStages()[name], nil
}

// captured returns (and clears) the captured copies of frames whose UDP
// payload is marker, on every switch.
func (c *controls) captured(ctx context.Context, marker []byte) ([]Seen, error) {
	var out []Seen
	names := make([]string, 0, len(c.clients))
	for n := range c.clients {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		resp, err := c.clients[n].Captured(ctx, &vsv1.CapturedRequest{Clear: true})
		if err != nil {
			return nil, fmt.Errorf("switch %s captures: %w", n, err)
		}
		for _, cf := range resp.GetFrames() {
			f, err := ParseFrame(cf.GetFrame())
			if err != nil || !bytes.Equal(f.Payload, marker) {
				continue
			}
			out = append(out, Seen{At: Endpoint{n, cf.GetPort()}, Frame: f})
		}
	}
	return out, nil
}

// send injects a frame at the plan's port and collects its copies: it
// waits until a copy shows at until (when set) or settle passes.
func (c *controls) send(ctx context.Context, p *DemoPlan, frame []byte, marker []byte, until *Endpoint) (uint64, []Seen, error) {
	return c.observe(ctx, p, marker, until, func() error {
		if _, err := c.clients[p.At.Switch].Inject(ctx, &vsv1.InjectRequest{Port: p.At.Port, Frame: frame}); err != nil {
			return fmt.Errorf("inject at %s: %w", p.At, err)
		}
		return nil
	})
}

// observe runs fire (which sends a frame whose UDP payload is marker) and
// collects the copies every switch sent out and the router's
// routed_my_mac increase.
func (c *controls) observe(ctx context.Context, p *DemoPlan, marker []byte, until *Endpoint, fire func() error) (uint64, []Seen, error) {
	if _, err := c.captured(ctx, marker); err != nil { // clears older copies
		return 0, nil, err
	}
	before, err := c.stage(ctx, p.Router.Name, "routed_my_mac")
	if err != nil {
		return 0, nil, err
	}
	if err := fire(); err != nil {
		return 0, nil, err
	}
	var seen []Seen
	deadline := time.NewTimer(2 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	// Copies cross UDP wires: collect until the destination has one and
	// one more tick has passed, or the deadline.
	arrived := false
	for done := false; !done; {
		got, err := c.captured(ctx, marker)
		if err != nil {
			return 0, nil, err
		}
		seen = append(seen, got...)
		if arrived {
			break
		}
		for _, s := range seen {
			if until != nil && s.At == *until {
				arrived = true
			}
		}
		select {
		case <-ctx.Done():
			return 0, nil, ctx.Err()
		case <-deadline.C:
			done = true
		case <-tick.C:
		}
	}
	after, err := c.stage(ctx, p.Router.Name, "routed_my_mac")
	if err != nil {
		return 0, nil, err
	}
	return after - before, seen, nil
}

// Demo runs the guided VM-migration demo on a running lab and writes the
// story to w: the migrated VM's frame to its old gateway's MAC is routed
// by the switch it now sits behind, not sent across the interconnect; and,
// on a VLAN excluded from the proxy gateway, the same frame is bridged. It
// returns an error when the data plane did not behave so.
func Demo(ctx context.Context, l *Lab, w io.Writer) ([]*DemoResult, error) {
	if l.Topo == nil {
		return nil, fmt.Errorf("demo: topology %s unreadable", l.State.Topology)
	}
	cfgs := map[string]*SwitchConfig{}
	for _, s := range l.Topo.Switches {
		c, err := LoadSwitchConfig(l.Topo.Path(s.Config))
		if err != nil {
			return nil, err
		}
		cfgs[s.Name] = c
	}
	p, err := PlanDemo(l.Topo, cfgs)
	if err != nil {
		return nil, err
	}
	c, err := dialControls(l)
	if err != nil {
		return nil, err
	}
	defer c.close()
	src, _ := netip.ParsePrefix(p.Host.IP)
	dst, _ := netip.ParsePrefix(p.Dest.IP)
	vmMAC, _ := net.ParseMAC(p.Host.MAC)
	gwMAC, _ := net.ParseMAC(p.Gateway.MAC)
	const ttl = 64

	fmt.Fprintf(w, "\n== demo: %s live-migrated to %s and still sends to its old gateway %s (%s, %s's MAC)\n",
		p.Host.Name, p.At, p.GatewayIP, p.Gateway.MAC, p.Gateway.Name)
	marker := []byte("vltgw-demo-" + strconv.FormatInt(time.Now().UnixNano(), 36))
	frame, err := BuildUDP4(gwMAC, vmMAC, p.TagAt, src.Addr(), dst.Addr(), ttl, marker)
	if err != nil {
		return nil, err
	}
	sent, _ := ParseFrame(frame)
	var routed *DemoResult
	if vm, srv, ok := l.netnsPair(p); ok {
		if routed, err = demoNetns(ctx, w, c, p, vm, srv, sent, marker); err != nil {
			return nil, err
		}
	} else {
		fmt.Fprintf(w, "   inject at %s: %s (to %s %s)\n", p.At, sent, p.Dest.Name, dst.Addr())
		delta, seen, err := c.send(ctx, p, frame, marker, &p.DestAt)
		if err != nil {
			return nil, err
		}
		routed = AnalyzeRouted(p, sent, delta, seen)
		writeResult(w, p, routed)
	}
	results := []*DemoResult{routed}

	if p.ExcludedVLAN > 0 {
		fmt.Fprintf(w, "\n== demo: the same frame on Vlan%d, excluded from the proxy gateway\n", p.ExcludedVLAN)
		if routed.Received != nil {
			fmt.Fprintf(w, "   (%s's namespace has no Vlan%d interface: the frame is injected at %s through vsd's control socket)\n", p.Host.Name, p.ExcludedVLAN, p.At)
		}
		marker2 := append(append([]byte(nil), marker...), "-x"...)
		frame2, err := BuildUDP4(gwMAC, vmMAC, p.ExcludedVLAN, src.Addr(), dst.Addr(), ttl, marker2)
		if err != nil {
			return nil, err
		}
		sent2, _ := ParseFrame(frame2)
		fmt.Fprintf(w, "   inject at %s: %s\n", p.At, sent2)
		delta2, seen2, err := c.send(ctx, p, frame2, marker2, &p.DestAt)
		if err != nil {
			return nil, err
		}
		bridged := AnalyzeBridged(p, sent2, delta2, seen2)
		writeResult(w, p, bridged)
		results = append(results, bridged)
	}
	var errs []error
	for _, r := range results {
		if !r.OK() {
			errs = append(errs, fmt.Errorf("demo (%s): %s", r.Case, strings.Join(r.Problems, "; ")))
		}
	}
	return results, errors.Join(errs...)
}

func writeResult(w io.Writer, p *DemoPlan, r *DemoResult) {
	fmt.Fprintf(w, "   %s routed_my_mac counter: +%d\n", p.Router.Name, r.RoutedMyMAC)
	if len(r.Egress) == 0 {
		fmt.Fprintf(w, "   no copy captured on any port\n")
	}
	for _, s := range r.Egress {
		where := ""
		if p.interconnect(s.At) {
			where = "  <- interconnect (peer-domain link)"
		}
		fmt.Fprintf(w, "   captured leaving %s%s\n", s, where)
	}
	if r.OK() {
		switch r.Case {
		case "routed":
			fmt.Fprintf(w, "   => %s routed it locally (MY_MAC hit: TTL %d -> %d, source MAC %s) and it never crossed the interconnect\n",
				p.Router.Name, r.Sent.TTL, r.Sent.TTL-1, p.Router.MAC)
		case "bridged":
			fmt.Fprintf(w, "   => bridged unchanged towards %s over the interconnect, as the exclusion asks", p.Gateway.Name)
			back := 0
			for _, s := range r.Egress {
				if s.Frame.Src.String() == p.Gateway.MAC {
					back++
				}
			}
			if back > 0 {
				fmt.Fprintf(w, " (%s routed it and sent it back: the trombone)", p.Gateway.Name)
			}
			fmt.Fprintln(w)
		}
		return
	}
	for _, pr := range r.Problems {
		fmt.Fprintf(w, "   !! %s\n", pr)
	}
}
