package e2e

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vltgw/vltgw/lab"
	vsv1 "github.com/vltgw/vltgw/proto/vs/v1"
)

// TestSquareLLDP runs the reference square (lab/square-vlt.yaml: lldp
// mode on PortChannel100, vlt_peer_mac_transmit on, Vlan30 excluded, no
// diagonals) once and runs the scenarios on it, the destructive ones last.
func TestSquareLLDP(t *testing.T) {
	f := up(t, "../../lab/square-vlt.yaml")
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	c1asic, c1state := f.dbs(t, "C1")

	// VM1 moved behind C1 and still sends to C's MAC: C1 routes it itself.
	t.Run("VMMigration", func(t *testing.T) {
		if !installed(t, ctx, c1asic)[lab.MyMAC{MAC: macC, VLAN: 10}] {
			t.Errorf("C1's ASIC_DB has no MY_MAC for C's MAC on Vlan10")
		}
		f.expectRouted(t, f.send(t, ctx, atC1, macC, 0, atS), "C1")
	})

	// The same frame on Vlan30, excluded from the proxy gateway: bridged
	// across the interconnect unchanged.
	t.Run("ExcludeVLAN", func(t *testing.T) {
		if installed(t, ctx, c1asic)[lab.MyMAC{MAC: macC, VLAN: 30}] {
			t.Errorf("C1's ASIC_DB has a MY_MAC for C's MAC on excluded Vlan30")
		}
		f.expectBridged(t, f.send(t, ctx, atC1, macC, 30, c1Eth8), "C1")
	})

	// Without diagonals C1 only hears C; D's MAC reaches it because C
	// advertises its VLT peer's MAC (vlt_peer_mac_transmit): a frame to
	// D's MAC at C1 is routed at C1. TestSquareNoTransmit is the contrast.
	t.Run("PeerMACTransmit", func(t *testing.T) {
		f.expectRouted(t, f.send(t, ctx, atC1, macD, 0, atS), "C1")
	})

	// The other direction: a host of DC1 sending to C1's MAC is routed at
	// C (C proxies C1's MAC), which sends it to domain 2 over the transit
	// Vlan30; C1 routes it again as its own (routed, not routed_my_mac).
	t.Run("ReverseDirection", func(t *testing.T) {
		p := f.send(t, ctx, lab.Endpoint{Switch: "C", Port: "Ethernet0"}, macC1, 0, atS)
		for sw, n := range p.routed {
			if want := map[string]uint64{"C": 1}[sw]; n != want {
				t.Errorf("%s's routed_my_mac +%d, want +%d", sw, n, want)
			}
		}
		fromC, atServer := 0, 0
		for _, s := range p.seen {
			switch {
			case s.At == lab.Endpoint{Switch: "C", Port: "Ethernet8"}:
				fromC++
				if s.Frame.Src.String() != macC || s.Frame.Dst.String() != macC1 || s.Frame.VLAN != 30 || s.Frame.TTL != ttl-1 {
					t.Errorf("C sent %s over the interconnect; want it routed by C (source %s, TTL %d) to C1 (%s) on Vlan30", s.Frame, macC, ttl-1, macC1)
				}
			case s.At == atS:
				atServer++
				if s.Frame.Src.String() != macC1 || s.Frame.TTL != ttl-2 {
					t.Errorf("S got %s; want it from C1 with TTL %d (routed by C, then C1)", s.Frame, ttl-2)
				}
			}
		}
		if fromC != 1 || atServer != 1 {
			t.Errorf("%d copies left C:Ethernet8, %d reached S; want 1 and 1\n%s", fromC, atServer, p)
		}
	})

	// The C–C1 cable is pulled at C1: C1 forgets what it learned there at
	// once (not after the LLDP TTL) and stops routing for C's MAC; the
	// cable put back, it learns and routes again.
	t.Run("LinkDownWithdraws", func(t *testing.T) {
		cMAC := func() bool { return installed(t, ctx, c1asic)[lab.MyMAC{MAC: macC, VLAN: 10}] }
		start := time.Now()
		if _, err := f.ctl["C1"].SetLink(ctx, &vsv1.SetLinkRequest{Port: "Ethernet8", Up: false}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "C's MY_MAC entries withdrawn at C1 after its cable to C went down", func() bool { return !cMAC() })
		gone := time.Since(start)
		waitFor(t, ctx, "C's MY_MAC objects removed from C1's platform", func() bool {
			m, err := f.platformMyMAC(ctx, "C1")
			return err == nil && !slices.ContainsFunc(slices.Collect(maps.Values(m)), func(s string) bool { return strings.HasPrefix(s, macC) })
		})
		t.Logf("link down at C1:Ethernet8: C's MY_MAC entry gone from C1's ASIC_DB after %s, from its platform after %s (the LLDP TTL is 20 s)",
			gone.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
		if st, _ := c1state.HGet(ctx, "PORT_TABLE|Ethernet8", "oper_status").Result(); st != "down" {
			t.Errorf("C1:Ethernet8 oper %q after SetLink down", st)
		}
		p := f.send(t, ctx, atC1, macC, 0, lab.Endpoint{Switch: "C1", Port: "Ethernet4"})
		f.expectNotRoutedAt(t, p, "C1")

		start = time.Now()
		if _, err := f.ctl["C1"].SetLink(ctx, &vsv1.SetLinkRequest{Port: "Ethernet8", Up: true}); err != nil {
			t.Fatal(err)
		}
		back := waitFor(t, ctx, "C's MY_MAC entry back at C1 after the cable came back", cMAC)
		t.Logf("link up at C1:Ethernet8: C's MY_MAC entry back in C1's ASIC_DB after %s", back.Round(time.Millisecond))
		if rep, err := f.lab.WaitConverged(ctx, nil, 60*time.Second); err != nil {
			t.Fatalf("not converged after the cable came back: %v\n%s", err, reportText(rep))
		}
		t.Logf("lab converged again %s after the link came up", time.Since(start).Round(time.Millisecond))
		f.expectRouted(t, f.send(t, ctx, atC1, macC, 0, atS), "C1")
	})

	t.Run("RestartsMidTraffic", func(t *testing.T) { restartsMidTraffic(t, ctx, f, c1asic, c1state) })

	// Node failure in lldp mode: C's platform dies (its vsd is killed: the
	// cables go dark and no shutdown LLDPDU can leave), then the rest of C
	// is stopped.
	// C1 withdraws C's entries once its link to C goes — not after the
	// LLDP TTL — and no longer routes frames sent to C's MAC.
	t.Run("NodeFailure", func(t *testing.T) {
		type event struct {
			name string
			at   time.Duration
		}
		var (
			mu     sync.Mutex
			events []event
		)
		start := time.Now()
		wctx, wcancel := context.WithCancel(ctx)
		defer wcancel()
		var wg sync.WaitGroup
		watch := func(name string, cond func() bool) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for wctx.Err() == nil {
					if cond() {
						mu.Lock()
						events = append(events, event{name, time.Since(start)})
						mu.Unlock()
						return
					}
					time.Sleep(5 * time.Millisecond)
				}
			}()
		}
		watch("C1:Ethernet8 oper down", func() bool {
			st, _ := c1state.HGet(wctx, "PORT_TABLE|Ethernet8", "oper_status").Result()
			return st == "down"
		})
		watch("C's MY_MAC entries gone from C1's ASIC_DB", func() bool {
			m, err := lab.InstalledMyMAC(wctx, c1asic)
			return err == nil && !m[lab.MyMAC{MAC: macC, VLAN: 10}] && !m[lab.MyMAC{MAC: macC, VLAN: 20}]
		})
		watch("C's MY_MAC objects gone from C1's platform", func() bool {
			m, err := f.platformMyMAC(wctx, "C1")
			return err == nil && !slices.ContainsFunc(slices.Collect(maps.Values(m)), func(s string) bool { return strings.HasPrefix(s, macC) })
		})
		// SIGKILL, by the PID the lab started: a power loss, no goodbye
		// on the wires; the far ends notice the carrier drop.
		vsd, _ := f.lab.Proc("C", "vsd")
		if err := syscall.Kill(vsd.PID, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "C's vsd gone after SIGKILL", func() bool { return !vsd.Alive() })
		stopped := time.Since(start)
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(60 * time.Second):
		}
		wcancel()
		wg.Wait()
		var lines []string
		for _, e := range events {
			lines = append(lines, fmt.Sprintf("%s after %s", e.name, e.at.Round(time.Millisecond)))
		}
		t.Logf("node failure: C's platform killed (vsd gone after %s): %s", stopped.Round(time.Millisecond), strings.Join(lines, "; "))
		if len(events) != 3 {
			t.Fatalf("60 s after C's platform was killed, only: %s", strings.Join(lines, "; "))
		}
		if err := f.lab.StopSwitch(ctx, "C"); err != nil {
			t.Fatal(err)
		}
		p := f.send(t, ctx, atC1, macC, 0, lab.Endpoint{Switch: "C1", Port: "Ethernet4"})
		f.expectNotRoutedAt(t, p, "C1")
	})
}

// TestSquareNoTransmit runs the square without diagonals and WITHOUT
// vlt_peer_mac_transmit (lab/square-vlt.yaml with the field set false,
// generated in a temp dir): C1 only hears C, so it routes frames to C's
// MAC but bridges frames to D's MAC across the interconnect.
func TestSquareNoTransmit(t *testing.T) {
	f := up(t, noTransmitTopology(t))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c1asic, _ := f.dbs(t, "C1")
	m := installed(t, ctx, c1asic)
	if !m[lab.MyMAC{MAC: macC, VLAN: 10}] || m[lab.MyMAC{MAC: macD, VLAN: 10}] {
		t.Errorf("C1's MY_MAC entries %v: want C's MAC, not D's", m)
	}
	t.Run("RoutedForC", func(t *testing.T) {
		f.expectRouted(t, f.send(t, ctx, atC1, macC, 0, atS), "C1")
	})
	t.Run("BridgedForD", func(t *testing.T) {
		f.expectBridged(t, f.send(t, ctx, atC1, macD, 0, c1Eth8), "C1")
	})
}

// TestSquareDiagonals runs lab/square-vlt-diagonals.yaml (diagonal
// cables C–D1 and D–C1 in PortChannel100, no vlt_peer_mac_transmit): C1
// hears C and D itself and routes frames to either MAC; with the C–C1
// cable pulled it forgets C's MAC only — D's, learned over the diagonal,
// stays routed.
func TestSquareDiagonals(t *testing.T) {
	f := up(t, "../../lab/square-vlt-diagonals.yaml")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c1asic, _ := f.dbs(t, "C1")
	t.Run("VMMigration", func(t *testing.T) {
		f.expectRouted(t, f.send(t, ctx, atC1, macC, 0, atS), "C1")
		f.expectRouted(t, f.send(t, ctx, atC1, macD, 0, atS), "C1")
		f.expectBridged(t, f.send(t, ctx, atC1, macC, 30, c1Eth8), "C1")
	})
	t.Run("CableToCPulled", func(t *testing.T) {
		if _, err := f.ctl["C1"].SetLink(ctx, &vsv1.SetLinkRequest{Port: "Ethernet8", Up: false}); err != nil {
			t.Fatal(err)
		}
		took := waitFor(t, ctx, "C's MY_MAC entry withdrawn at C1", func() bool {
			return !installed(t, ctx, c1asic)[lab.MyMAC{MAC: macC, VLAN: 10}]
		})
		t.Logf("C1:Ethernet8 down: C's MY_MAC entry gone from C1's ASIC_DB after %s", took.Round(time.Millisecond))
		f.expectNotRoutedAt(t, f.send(t, ctx, atC1, macC, 0, lab.Endpoint{Switch: "C1", Port: "Ethernet4"}), "C1")
		f.expectRouted(t, f.send(t, ctx, atC1, macD, 0, atS), "C1")
	})
}

// TestSquareStatic runs lab/square-vlt-static.yaml (static mode: each
// domain lists the other's two MACs, excluding Vlan30): C fails and C1
// and D1 keep routing frames sent to C's MAC.
func TestSquareStatic(t *testing.T) {
	f := up(t, "../../lab/square-vlt-static.yaml")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	_, c1state := f.dbs(t, "C1")
	atD1 := lab.Endpoint{Switch: "D1", Port: "Ethernet8"} // from D over the interconnect, tagged Vlan10

	t.Run("VMMigration", func(t *testing.T) {
		f.expectRouted(t, f.send(t, ctx, atC1, macC, 0, atS), "C1")
		f.expectBridged(t, f.send(t, ctx, atC1, macC, 30, c1Eth8), "C1")
	})
	t.Run("NodeFailure", func(t *testing.T) {
		before := map[string]map[uint64]string{}
		for _, sw := range []string{"C1", "D1"} {
			m, err := f.platformMyMAC(ctx, sw)
			if err != nil {
				t.Fatal(err)
			}
			before[sw] = m
		}
		start := time.Now()
		if err := f.lab.StopSwitch(ctx, "C"); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "C1:Ethernet8 oper down after C stopped", func() bool {
			st, _ := c1state.HGet(ctx, "PORT_TABLE|Ethernet8", "oper_status").Result()
			return st == "down"
		})
		t.Logf("C stopped; C1 saw its cable to C go down %s after the stop began", time.Since(start).Round(time.Millisecond))
		for round := 1; round <= 2; round++ {
			f.expectRouted(t, f.send(t, ctx, atC1, macC, 0, atS), "C1")
			f.expectRouted(t, f.send(t, ctx, atD1, macC, 10, atS), "D1")
			for _, sw := range []string{"C1", "D1"} {
				m, err := f.platformMyMAC(ctx, sw)
				if err != nil {
					t.Fatal(err)
				}
				if !maps.Equal(m, before[sw]) {
					t.Errorf("round %d: %s's platform MY_MAC objects changed after C failed:\nbefore %v\nafter  %v", round, sw, before[sw], m)
				}
			}
			if round == 1 {
				time.Sleep(time.Second) // and still so a moment later
			}
		}
		t.Logf("static mode: %s after C failed, C1 and D1 still route frames to C's MAC", time.Since(start).Round(time.Millisecond))
	})
}

// expectNotRoutedAt asserts that router did not route the frame through a
// MY_MAC entry: its routed_my_mac did not move and every copy it sent out
// is the frame unchanged (bridged).
func (f *fixture) expectNotRoutedAt(t *testing.T, p *probe, router string) {
	t.Helper()
	if p.routed[router] != 0 {
		t.Errorf("%s still routes frames to %s (routed_my_mac +%d)\n%s", router, p.sent.Dst, p.routed[router], p)
	}
	out := 0
	for _, s := range p.seen {
		if s.At.Switch != router {
			continue
		}
		out++
		if s.Frame.TTL != ttl || s.Frame.Src.String() != macVM {
			t.Errorf("%s sent %s: routed, want bridged unchanged", s.At, s.Frame)
		}
	}
	if out == 0 {
		t.Errorf("%s sent no copy of the frame out (want it bridged)\n%s", router, p)
	}
}

func reportText(rep *lab.Report) string {
	if rep == nil {
		return ""
	}
	var b strings.Builder
	rep.Write(&b)
	return b.String()
}

// asicMyMAC reads the MY_MAC objects of ASIC_DB: "mac/vlanN" → fields
// (the attributes; the object's VID is returned apart).
func asicMyMAC(ctx context.Context, asic *redis.Client) (map[string]string, map[string]string, error) {
	var keys []string
	it := asic.Scan(ctx, 0, "ASIC_STATE:SAI_OBJECT_TYPE_MY_MAC:*", 512).Iterator()
	for it.Next(ctx) {
		keys = append(keys, it.Val())
	}
	if err := it.Err(); err != nil {
		return nil, nil, err
	}
	attrs, vids := map[string]string{}, map[string]string{}
	for _, k := range keys {
		fl, err := asic.HGetAll(ctx, k).Result()
		if err != nil {
			return nil, nil, err
		}
		id := strings.ToLower(fl["SAI_MY_MAC_ATTR_MAC_ADDRESS"]) + "/vlan" + fl["SAI_MY_MAC_ATTR_VLAN_ID"]
		names := slices.Sorted(maps.Keys(fl))
		var parts []string
		for _, n := range names {
			parts = append(parts, n+"="+fl[n])
		}
		attrs[id] = strings.Join(parts, ",")
		vids[id] = strings.TrimPrefix(k, "ASIC_STATE:SAI_OBJECT_TYPE_MY_MAC:")
	}
	return attrs, vids, nil
}

// restartsMidTraffic: while VM1's frame to C's MAC is injected at C1
// every 20 ms, C1's orchagent, then syncd, then pgwlldpd restart. The
// platform's MY_MAC objects are never removed (polled through the HAL
// all along), ASIC_DB holds the same entries after each restart, and
// every frame — during the restarts and after each has converged — is
// routed at C1 and reaches S without crossing the interconnect: frames
// routed by the platform do not depend on the control plane being up.
func restartsMidTraffic(t *testing.T, ctx context.Context, f *fixture, c1asic, c1state *redis.Client) {
	plat0, err := f.platformMyMAC(ctx, "C1")
	if err != nil {
		t.Fatal(err)
	}
	asic0, vids0, err := asicMyMAC(ctx, c1asic)
	if err != nil {
		t.Fatal(err)
	}
	if len(plat0) == 0 || len(plat0) != len(asic0) {
		t.Fatalf("C1: %d MY_MAC objects on the platform, %d in ASIC_DB", len(plat0), len(asic0))
	}
	platC0, err := f.platformMyMAC(ctx, "C")
	if err != nil {
		t.Fatal(err)
	}
	routed0, err := f.routedMyMAC(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.captured(ctx, "e2e-"); err != nil {
		t.Fatal(err)
	}

	var (
		phase    atomic.Int32
		phaseOf  []int32
		injErrs  []string
		phaseLbl = []string{"before the restarts"}
	)
	for _, d := range []string{"orchagent", "syncd", "pgwlldpd"} {
		phaseLbl = append(phaseLbl, "while "+d+" restarts", "after "+d+" converged")
	}
	phaseName := func() string { return phaseLbl[phase.Load()] }

	// The platform watcher: every poll of C1's MY_MAC objects through the
	// HAL must show exactly the objects of the start.
	wctx, wcancel := context.WithCancel(ctx)
	var (
		wg         sync.WaitGroup
		polls      atomic.Int64
		mu         sync.Mutex
		deviations []string
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for wctx.Err() == nil {
			m, err := f.platformMyMAC(wctx, "C1")
			if err != nil {
				if wctx.Err() == nil {
					mu.Lock()
					deviations = append(deviations, "HAL list: "+err.Error())
					mu.Unlock()
				}
				time.Sleep(5 * time.Millisecond)
				continue
			}
			polls.Add(1)
			if !maps.Equal(m, plat0) {
				mu.Lock()
				if len(deviations) < 20 {
					deviations = append(deviations, fmt.Sprintf("%s (%s): %s", time.Now().Format("15:04:05.000"), phaseName(), describe(m)))
				}
				mu.Unlock()
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()

	// The remote side: C's MY_MAC objects (C1's and D1's MACs learned
	// from C1's LLDPDUs), watched for the report.
	var remoteChanges []string
	wg.Add(1)
	go func() {
		defer wg.Done()
		last := platC0
		for wctx.Err() == nil {
			m, err := f.platformMyMAC(wctx, "C")
			if err == nil && !maps.Equal(m, last) {
				mu.Lock()
				remoteChanges = append(remoteChanges, fmt.Sprintf("%s (%s): %s", time.Now().Format("15:04:05.000"), phaseName(), describe(m)))
				mu.Unlock()
				last = m
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()

	// The injector: one frame every 20 ms, each with its sequence number,
	// tagged with the phase it was sent in. It stops between frames (a
	// cancelled Inject would leave the last frame's fate unknown).
	stopInject := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for seq := 0; ; seq++ {
			select {
			case <-stopInject:
				return
			case <-tick.C:
			}
			frame := vmFrame(panicTB{t}, macC, 0, fmt.Sprintf("e2e-r-%06d", seq))
			ph := phase.Load()
			_, err := f.ctl["C1"].Inject(ctx, &vsv1.InjectRequest{Port: atC1.Port, Frame: frame})
			mu.Lock()
			phaseOf = append(phaseOf, ph)
			if err != nil {
				injErrs = append(injErrs, fmt.Sprintf("frame %d: %v", seq, err))
			}
			mu.Unlock()
		}
	}()
	stop := func() {
		close(stopInject)
		wcancel()
		wg.Wait()
	}

	time.Sleep(300 * time.Millisecond)
	for i, d := range []string{"orchagent", "syncd", "pgwlldpd"} {
		phase.Store(int32(1 + 2*i))
		start := time.Now()
		old, _ := f.lab.Proc("C1", d)
		ready := f.restartReady(ctx, t, c1state, d, start)
		p, err := f.lab.Restart(ctx, "C1", d)
		if err != nil {
			stop()
			t.Fatalf("restart C1 %s: %v", d, err)
		}
		restarted := time.Since(start)
		if err := ready(); err != nil {
			stop()
			t.Fatalf("C1's %s restarted: %v", d, err)
		}
		rep, err := f.lab.WaitConverged(ctx, nil, 60*time.Second)
		if err != nil {
			stop()
			t.Fatalf("after restarting C1's %s: %v\n%s", d, err, reportText(rep))
		}
		phase.Store(int32(2 + 2*i))
		t.Logf("C1 %s restarted (pid %d → %d) in %s, up and the lab converged %s later", d, old.PID, p.PID, restarted.Round(time.Millisecond),
			(time.Since(start) - restarted).Round(time.Millisecond))
		time.Sleep(400 * time.Millisecond) // ≈ 20 frames after convergence
		asic, vids, err := asicMyMAC(ctx, c1asic)
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(asic, asic0) {
			t.Errorf("C1's ASIC_DB MY_MAC entries after the %s restart differ:\nbefore %v\nafter  %v", d, asic0, asic)
		}
		if !maps.Equal(vids, vids0) {
			t.Logf("C1's ASIC_DB MY_MAC VIDs after the %s restart: %v (before %v)", d, vids, vids0)
		}
	}
	stop()

	// Collect the copies until every frame sent has reached S (copies
	// cross UDP wires) or 3 s pass.
	mu.Lock()
	defer mu.Unlock()
	sent := len(phaseOf)
	var seen []lab.Seen
	for deadline := time.Now().Add(3 * time.Second); ; {
		got, err := f.captured(ctx, "e2e-r-")
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, got...)
		atServer := 0
		for _, s := range seen {
			if s.At == atS {
				atServer++
			}
		}
		if atServer >= sent || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	late, err := f.captured(ctx, "e2e-r-")
	if err != nil {
		t.Fatal(err)
	}
	seen = append(seen, late...)
	routed1, err := f.routedMyMAC(ctx)
	if err != nil {
		t.Fatal(err)
	}
	delivered := make([]int, sent)
	for _, s := range seen {
		var seq int
		if _, err := fmt.Sscanf(string(s.Frame.Payload), "e2e-r-%06d", &seq); err != nil || seq >= sent {
			t.Errorf("unexpected copy %s", s)
			continue
		}
		switch {
		case f.interconnect[s.At]:
			t.Errorf("frame %d crossed the interconnect: %s", seq, s)
		case s.Frame.Src.String() != macC1 || s.Frame.TTL != ttl-1:
			t.Errorf("frame %d left %s not routed once by C1: %s", seq, s.At, s.Frame)
		case s.At == atS:
			delivered[seq]++
		}
	}
	perPhase := make([]struct{ sent, ok int }, len(phaseLbl))
	var missing []string
	for seq, ph := range phaseOf {
		perPhase[ph].sent++
		if delivered[seq] == 1 {
			perPhase[ph].ok++
		} else if len(missing) < 20 {
			missing = append(missing, fmt.Sprintf("%d (%s): %d copies at S", seq, phaseLbl[ph], delivered[seq]))
		}
	}
	var summary []string
	for i, c := range perPhase {
		summary = append(summary, fmt.Sprintf("%s: %d/%d", phaseLbl[i], c.ok, c.sent))
	}
	t.Logf("frames routed at C1 and delivered to S once, per phase: %s", strings.Join(summary, "; "))
	t.Logf("C1 routed_my_mac +%d for %d frames sent; %d polls of C1's platform MY_MAC objects (%d objects)",
		routed1["C1"]-routed0["C1"], sent, polls.Load(), len(plat0))
	if len(missing) > 0 {
		t.Errorf("frames not routed at C1 / not delivered once to S: %s", strings.Join(missing, "; "))
	}
	if got := routed1["C1"] - routed0["C1"]; got != uint64(sent) {
		t.Errorf("C1 routed_my_mac +%d, want +%d (one per frame sent)", got, sent)
	}
	for _, sw := range []string{"C", "D", "D1"} {
		if routed1[sw] != routed0[sw] {
			t.Errorf("%s routed_my_mac +%d during the restarts, want +0", sw, routed1[sw]-routed0[sw])
		}
	}
	if len(injErrs) > 0 {
		t.Errorf("inject errors: %s", strings.Join(injErrs, "; "))
	}
	// pgwlldpd sends no shutdown LLDPDU on a restart, so the other domain
	// keeps proxying C1's and D1's MACs throughout: C's objects never change.
	t.Logf("C's platform MY_MAC objects at the start: %s; changes while C1's daemons restarted: %d\n  %s",
		describe(platC0), len(remoteChanges), strings.Join(remoteChanges, "\n  "))
	if len(remoteChanges) > 0 {
		t.Errorf("C's platform MY_MAC objects changed while C1's daemons restarted (a restart must not withdraw our MACs at the other domain)")
	}
	if len(deviations) > 0 {
		t.Errorf("C1's platform MY_MAC objects changed during the restarts (start: %s):\n%s", describe(plat0), strings.Join(deviations, "\n"))
	}
	if polls.Load() == 0 {
		t.Error("the platform watcher never polled")
	}
	for _, ph := range []int{2, 4, 6} {
		if perPhase[ph].sent == 0 {
			t.Errorf("no frame sent %s", phaseLbl[ph])
		}
	}
}

// restartReady is called before C1's daemon d restarts at start; the
// function it returns waits until the new process has done its start-up:
// orchagent's view applied by syncd (syncd logs APPLY_VIEW), syncd ready
// (its maps rebuilt from ASIC_DB), pgwlldpd's agent started, transmitting
// (an LLDPDU leaves C1:Ethernet8) and learning (the neighbour C refreshed
// in STATE_DB by an LLDPDU received after the restart).
func (f *fixture) restartReady(ctx context.Context, t *testing.T, c1state *redis.Client, d string, start time.Time) func() error {
	r, _ := f.lab.Run("C1")
	logOf := func(n string) string { return filepath.Join(r.Dir, n+".log") }
	var log, line string
	switch d {
	case "orchagent":
		log, line = logOf("syncd"), `"message":"APPLY_VIEW"`
	case "syncd":
		log, line = logOf("syncd"), `"message":"syncd ready"`
	case "pgwlldpd":
		log, line = logOf("pgwlldpd"), `"message":"agent started"`
	}
	count := func() int {
		b, _ := os.ReadFile(log)
		return bytes.Count(b, []byte(line))
	}
	before := count()
	return func() error {
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		poll := func(what string, cond func() bool) error {
			for !cond() {
				select {
				case <-wctx.Done():
					return fmt.Errorf("%s: not after %s", what, time.Since(start).Round(time.Millisecond))
				case <-time.After(10 * time.Millisecond):
				}
			}
			return nil
		}
		if err := poll(fmt.Sprintf("%s in %s", line, log), func() bool { return count() > before }); err != nil {
			return err
		}
		if d != "pgwlldpd" {
			return nil
		}
		if err := poll("an LLDPDU leaving C1:Ethernet8 after the restart", func() bool {
			resp, err := f.ctl["C1"].Captured(wctx, &vsv1.CapturedRequest{Port: "Ethernet8"})
			if err != nil {
				return false
			}
			for _, cf := range resp.GetFrames() {
				fr, err := lab.ParseFrame(cf.GetFrame())
				if err == nil && fr.EtherType == 0x88cc && cf.GetUnixNanos() > start.UnixNano() {
					return true
				}
			}
			return false
		}); err != nil {
			return err
		}
		key := "VLT_PROXY_GW_NEIGHBOR_TABLE|Ethernet8|" + macC
		return poll("C1's neighbour C refreshed by an LLDPDU received after the restart", func() bool {
			v, _ := c1state.HGet(wctx, key, "last_rx").Result()
			at, err := time.Parse(time.RFC3339, v)
			return err == nil && at.After(start.Truncate(time.Second))
		})
	}
}

// describe lists platform MY_MAC objects, sorted: "0xOID mac/vlanN".
func describe(m map[uint64]string) string {
	var out []string
	for oid, v := range m {
		out = append(out, fmt.Sprintf("0x%x %s", oid, v))
	}
	slices.Sort(out)
	return fmt.Sprintf("%d objects [%s]", len(out), strings.Join(out, ", "))
}
