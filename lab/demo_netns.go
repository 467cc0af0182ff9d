package lab

import (
	"context"
	"fmt"
	"io"
	"time"
)

// demoUDPPort is the destination port of the demo's datagram.
const demoUDPPort = 5000

// netnsPair returns the migrated host and the destination host when both
// are network namespaces and the migrated one is plugged where the plan
// sends from.
func (l *Lab) netnsPair(p *DemoPlan) (vm, dst HostRun, ok bool) {
	if l.State.HostsMode != HostsNetns {
		return vm, dst, false
	}
	var okVM, okDst bool
	for _, h := range l.State.Hosts {
		switch {
		case h.Name == p.Host.Name && h.At == p.At.String():
			vm, okVM = h, true
		case h.Name == p.Dest.Name:
			dst, okDst = h, true
		}
	}
	return vm, dst, okVM && okDst
}

// NetnsHost returns a netns host of the running lab.
func (l *Lab) NetnsHost(name string) (HostRun, bool) {
	for _, h := range l.State.Hosts {
		if h.Name == name {
			return h, true
		}
	}
	return HostRun{}, false
}

// demoNetns is the routed case with real hosts: a UDP socket in the
// migrated VM's namespace sends marker to the destination host, whose
// socket receives it with its TTL; the switches' captures and counters
// show where it went. Then the VM pings the destination (informational:
// the reply's path is the destination's gateway, not the proxy gateway).
func demoNetns(ctx context.Context, w io.Writer, c *controls, p *DemoPlan, vm, srv HostRun, sent *Frame, marker []byte) (*DemoResult, error) {
	rx, err := ListenUDP(srv, demoUDPPort)
	if err != nil {
		return nil, err
	}
	defer rx.Close()
	fmt.Fprintf(w, "   %s (netns %s) sends a UDP datagram from a socket to %s %s; %s's stale ARP entry: %s -> %s\n",
		vm.Name, vm.Netns, srv.Name, rx.Addr, vm.Name, vm.Gateway, vm.GatewayMAC)
	delta, seen, err := c.observe(ctx, p, marker, &p.DestAt, func() error {
		return SendUDP(vm, rx.Addr, int(sent.TTL), marker)
	})
	if err != nil {
		return nil, err
	}
	r := AnalyzeRouted(p, sent, delta, seen)
	got, err := rx.Receive(ctx, marker, 3*time.Second)
	if err != nil {
		r.Problems = append(r.Problems, fmt.Sprintf("%s's socket got nothing: %v", srv.Name, err))
	} else {
		r.Received = got
		if want := int(sent.TTL) - 1; got.TTL != want {
			r.Problems = append(r.Problems, fmt.Sprintf("%s's socket got it with TTL %d, want %d (routed once)", srv.Name, got.TTL, want))
		}
		if got.From.Addr() != vm.Addr() {
			r.Problems = append(r.Problems, fmt.Sprintf("%s's socket got it from %s, want %s", srv.Name, got.From.Addr(), vm.Addr()))
		}
	}
	writeResult(w, p, r)
	if got != nil {
		fmt.Fprintf(w, "   %s's socket (netns %s) received %q from %s with TTL %d\n", srv.Name, srv.Netns, got.Payload, got.From, got.TTL)
	}
	r.Ping, r.PingErr = Ping(ctx, vm, srv.Addr(), 2*time.Second)
	if r.PingErr == nil {
		fmt.Fprintf(w, "   ping %s -> %s %s: reply in %s (the reply goes back through %s's gateway %s)\n",
			vm.Name, srv.Name, srv.Addr(), r.Ping.Round(time.Microsecond), srv.Name, srv.Gateway)
	} else {
		fmt.Fprintf(w, "   ping %s -> %s: %v\n", vm.Name, srv.Name, r.PingErr)
	}
	return r, nil
}
