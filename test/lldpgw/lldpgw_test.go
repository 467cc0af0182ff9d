package lldpgw

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vltgw/vltgw/lab"
	"github.com/vltgw/vltgw/lldp"
	vsv1 "github.com/vltgw/vltgw/proto/vs/v1"
)

// The switches of testdata/pair.yaml and their VLT peers (configured
// peer_mac only: the peers are not simulated).
const (
	macA     = "00:01:e8:00:00:0a" // domain 1
	macAPeer = "00:01:e8:00:00:0b" // A's VLT peer A'
	macB     = "00:01:e8:00:01:0a" // domain 2
	macBPeer = "00:01:e8:00:01:0b" // B's VLT peer B'
	member   = "Ethernet8"         // the one member of PortChannel100 on both
)

// upPair starts testdata/pair.yaml with real processes and returns its two
// switches; everything is stopped (and checked gone) when the test ends.
func upPair(t *testing.T) (*lab.Lab, *node, *node) {
	t.Helper()
	bin := daemons(t)
	// A short run dir: unix socket paths are limited to ~100 octets.
	run, err := os.MkdirTemp("", "lldpgw-")
	if err != nil {
		t.Fatal(err)
	}
	topo, err := lab.LoadTopology("testdata/pair.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var progress bytes.Buffer
	start := time.Now()
	l, rep, err := lab.Up(ctx, topo, "testdata/pair.yaml", lab.Options{BinDir: bin, RunDir: run,
		Timeout: 40 * time.Second, Grace: 3 * time.Second, SoftGrace: time.Second, Progress: &progress})
	t.Cleanup(func() {
		if l != nil {
			stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := l.Down(stopCtx, false); err != nil {
				t.Errorf("lab down: %v", err)
			}
		}
		if left := lab.Leftovers(run); len(left) > 0 {
			t.Errorf("processes left behind:\n%s", strings.Join(left, "\n"))
		}
		if t.Failed() {
			for _, sw := range []string{"A", "B"} {
				for _, d := range []string{"pgwlldpd", "orchagent", "syncd"} {
					if b, err := os.ReadFile(run + "/" + sw + "/" + d + ".log"); err == nil {
						t.Logf("--- %s/%s.log (tail)\n%s", sw, d, tail(string(b), 15))
					}
				}
			}
		}
		os.RemoveAll(run)
	})
	if err != nil {
		t.Fatalf("lab up: %v\n%s", err, progress.String())
	}
	var b bytes.Buffer
	rep.Write(&b)
	for _, s := range rep.Switches {
		for _, c := range s.Checks {
			if !c.OK {
				t.Fatalf("lab up: switch %s check %s does not hold:\n%s", s.Name, c.Name, b.String())
			}
		}
	}
	t.Logf("lab up (2 switches, 12 processes) converged in %s", time.Since(start).Round(time.Millisecond))
	octx := context.Background()
	return l, openNode(octx, t, l, "A"), openNode(octx, t, l, "B")
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// checkLearned waits until a switch's platform holds the MY_MAC set the
// remote MACs want imply and ASIC_DB the same set, then checks (polling
// until they agree) that APP_DB has exactly those learned rows, learned on
// the member port from the far switch (chassis farMAC), and STATE_DB has
// that one neighbour advertising them (none when want is empty).
func checkLearned(ctx context.Context, t *testing.T, n *node, farMAC string, want ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	desired := n.desired(want...)
	n.platformIs(ctx, t, time.Now(), desired)
	// syncd writes ASIC_DB after the platform took the write.
	poll(ctx, t, time.Now(), n.name+" ASIC_DB MY_MAC = "+setString(desired), func() (bool, string, error) {
		asic, err := n.asicMyMAC(ctx)
		return sameSet(asic, desired), "ASIC_DB holds " + setString(asic), err
	})
	wantSet := toSet(want)
	// pgwlldpd writes APP_DB, then STATE_DB, in the same flush: both are
	// there by the time orchagent and syncd reached the platform, but poll
	// anyway rather than rely on it.
	poll(ctx, t, time.Now(), n.name+" APP_DB learned MACs and STATE_DB neighbours", func() (bool, string, error) {
		got, err := n.learned(ctx)
		if err != nil {
			return false, "", err
		}
		nbrs, err := n.neighbors(ctx)
		if err != nil {
			return false, "", err
		}
		ok := sameSet(toSet(keysOf(got)), wantSet)
		if len(want) == 0 {
			ok = ok && len(nbrs) == 0
		} else {
			f, found := nbrs[member+"|"+farMAC]
			ok = ok && len(nbrs) == 1 && found && sameSet(toSet(strings.Split(f["macs"], ",")), wantSet)
		}
		return ok, fmt.Sprintf("learned %v, neighbours %v", keysOf(got), nbrs), nil
	})
	got, err := n.learned(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for m, f := range got {
		if f["learned_on"] != member || !strings.Contains(f["neighbor"], farMAC) {
			t.Errorf("%s: APP_DB learned %s: %v, want learned_on %s from neighbour %s", n.name, m, f, member, farMAC)
		}
	}
	if len(want) > 0 {
		nbrs, err := n.neighbors(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if f := nbrs[member+"|"+farMAC]; f["port_id"] != member || f["domain"] != strconv.Itoa(n.domain) || f["system_name"] == "" {
			t.Errorf("%s: neighbour %s|%s: %v, want port_id %s, domain %d and a system name", n.name, member, farMAC, f, member, n.domain)
		}
	}
}

func toSet(s []string) map[string]bool {
	m := map[string]bool{}
	for _, v := range s {
		if v != "" {
			m[v] = true
		}
	}
	return m
}

// TestTwoDomains: A (domain 1, vlt_peer_mac_transmit on) and B (domain 2,
// off) joined by their eVLT member ports.
//
//   - learned: B learns A and A's VLT peer A' (transmit), A learns only B;
//     APP_DB learned rows, the STATE_DB neighbour and the MY_MAC objects
//     in ASIC_DB and in the platform (each learned MAC on every L3 VLAN
//     but the excluded 30; the own VLT peer's MAC on every L3 VLAN, peer
//     routing);
//   - transmit: turning vlt_peer_mac_transmit on at B (CONFIG_DB) makes A
//     learn B' too; turning it off at A makes B drop A' (the TLV's set
//     replaces the neighbour's); on again, B relearns it;
//   - third neighbour: an LLDPDU injected at B's member port from a third
//     gateway is learned beside A (B's own MAC in it ignored), its shutdown
//     LLDPDU withdraws it at once; on a non-member port it is counted as
//     ignored and learns nothing;
//   - link down: pulling A's member port withdraws every learned MY_MAC
//     entry from both platforms (A: its port is oper-down; B: its carrier
//     drops) without waiting for the TTL; APP_DB, STATE_DB and ASIC_DB
//     follow; the times are logged;
//   - link up: both sides relearn everything (time logged).
func TestTwoDomains(t *testing.T) {
	_, a, b := upPair(t)
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()

	if !t.Run("learned", func(t *testing.T) {
		checkLearned(ctx, t, a, macB, macB)
		checkLearned(ctx, t, b, macA, macA, macAPeer)
	}) {
		return
	}

	if !t.Run("transmit", func(t *testing.T) {
		start := time.Now()
		if err := b.config.HSet(ctx, "VLT_PROXY_GATEWAY|2", "vlt_peer_mac_transmit", "true").Err(); err != nil {
			t.Fatal(err)
		}
		d := a.platformIs(ctx, t, start, a.desired(macB, macBPeer))
		t.Logf("B: vlt_peer_mac_transmit on (CONFIG_DB) → B' (%s) in A's platform MY_MAC after %s (includes the ≤1 s triggered-tx rate limit)", macBPeer, d.Round(time.Microsecond))
		checkLearned(ctx, t, a, macB, macB, macBPeer)

		start = time.Now()
		if err := a.config.HSet(ctx, "VLT_PROXY_GATEWAY|1", "vlt_peer_mac_transmit", "false").Err(); err != nil {
			t.Fatal(err)
		}
		d = b.platformIs(ctx, t, start, b.desired(macA))
		t.Logf("A: vlt_peer_mac_transmit off → A' withdrawn from B's platform after %s", d.Round(time.Microsecond))
		checkLearned(ctx, t, b, macA, macA)

		start = time.Now()
		if err := a.config.HSet(ctx, "VLT_PROXY_GATEWAY|1", "vlt_peer_mac_transmit", "true").Err(); err != nil {
			t.Fatal(err)
		}
		d = b.platformIs(ctx, t, start, b.desired(macA, macAPeer))
		t.Logf("A: vlt_peer_mac_transmit on → A' back in B's platform after %s", d.Round(time.Microsecond))
		checkLearned(ctx, t, b, macA, macA, macAPeer)
	}) {
		return
	}

	if !t.Run("third neighbour", func(t *testing.T) {
		// A third gateway on B's member port (its LLDPDU injected into
		// B's ingress pipeline as if off the wire) is learned beside A;
		// its shutdown LLDPDU withdraws it at once; the same LLDPDU on a
		// port outside the peer-domain link is counted and ignored.
		third := lldp.MAC{0x02, 0x00, 0x00, 0x00, 0x33, 0x01}
		thirdMAC := lldp.MAC{0x02, 0x00, 0x00, 0x00, 0x33, 0x02}
		frame, err := lldp.Encode(&lldp.PDU{Src: third, ChassisID: lldp.ChassisMAC(third), PortID: lldp.PortName("eth1"),
			TTL: 120, SystemName: "third", MACs: []lldp.MAC{thirdMAC, lldp.MAC{0x00, 0x01, 0xe8, 0x00, 0x01, 0x0a}}}) // and B's own MAC: ignored
		if err != nil {
			t.Fatal(err)
		}
		ignoredBefore, _ := b.counters.HGet(ctx, "VLT_PROXY_GW_LLDP_COUNTERS:Ethernet0", "ignored").Int()
		if _, err := b.ctl.Inject(ctx, &vsv1.InjectRequest{Port: "Ethernet0", Frame: frame}); err != nil {
			t.Fatal(err)
		}
		poll(ctx, t, time.Now(), "B: LLDPDU on Ethernet0 counted as ignored", func() (bool, string, error) {
			n, err := b.counters.HGet(ctx, "VLT_PROXY_GW_LLDP_COUNTERS:Ethernet0", "ignored").Int()
			return n > ignoredBefore, fmt.Sprintf("ignored %d (%v)", n, err), nil
		})
		start := time.Now()
		if _, err := b.ctl.Inject(ctx, &vsv1.InjectRequest{Port: member, Frame: frame}); err != nil {
			t.Fatal(err)
		}
		d := b.platformIs(ctx, t, start, b.desired(macA, macAPeer, thirdMAC.String()))
		t.Logf("B: LLDPDU of a third neighbour injected at %s → its MAC in the platform after %s", member, d.Round(time.Microsecond))
		// The Ethernet0 frame learned nothing: the set above is exact. The
		// neighbour row shows what it advertises, B's own MAC included
		// (only the learned set leaves it out).
		poll(ctx, t, time.Now(), "B: APP_DB learned row and STATE_DB neighbour of the third gateway", func() (bool, string, error) {
			got, err := b.learned(ctx)
			if err != nil {
				return false, "", err
			}
			nbrs, err := b.neighbors(ctx)
			if err != nil {
				return false, "", err
			}
			l, n := got[thirdMAC.String()], nbrs[member+"|"+third.String()]
			ok := l["learned_on"] == member && strings.Contains(l["neighbor"], third.String()) && len(got) == 3 &&
				sameSet(toSet(strings.Split(n["macs"], ",")), toSet([]string{thirdMAC.String(), macB})) &&
				n["system_name"] == "third" && n["port_id"] == "eth1" && len(nbrs) == 2
			return ok, fmt.Sprintf("learned %v, neighbours %v", got, nbrs), nil
		})
		shutdown, err := lldp.Encode(&lldp.PDU{Src: third, ChassisID: lldp.ChassisMAC(third), PortID: lldp.PortName("eth1")})
		if err != nil {
			t.Fatal(err)
		}
		start = time.Now()
		if _, err := b.ctl.Inject(ctx, &vsv1.InjectRequest{Port: member, Frame: shutdown}); err != nil {
			t.Fatal(err)
		}
		d = b.platformIs(ctx, t, start, b.desired(macA, macAPeer))
		t.Logf("B: the third neighbour's shutdown LLDPDU → its MAC withdrawn from the platform after %s", d.Round(time.Microsecond))
		checkLearned(ctx, t, b, macA, macA, macAPeer)
	}) {
		return
	}

	if !t.Run("link down", func(t *testing.T) {
		wantA, wantB := a.desired(), b.desired()
		start := time.Now()
		if _, err := a.ctl.SetLink(ctx, &vsv1.SetLinkRequest{Port: member, Up: false}); err != nil {
			t.Fatal(err)
		}
		took := pollBoth(ctx, t, start, a, wantA, b, wantB)
		t.Logf("A:%s pulled → learned MY_MAC entries withdrawn from the platform: A (own port oper-down) after %s, B (carrier lost) after %s; TTL would have been 20 s",
			member, took[0].Round(time.Microsecond), took[1].Round(time.Microsecond))
		for _, n := range []*node{a, b} {
			if st, err := n.state.HGet(ctx, "PORT_TABLE|"+member, "oper_status").Result(); err != nil || st != "down" {
				t.Errorf("%s: STATE_DB PORT_TABLE|%s oper_status %q (%v), want down", n.name, member, st, err)
			}
		}
		checkLearned(ctx, t, a, macB)
		checkLearned(ctx, t, b, macA)
	}) {
		return
	}

	t.Run("link up", func(t *testing.T) {
		start := time.Now()
		if _, err := a.ctl.SetLink(ctx, &vsv1.SetLinkRequest{Port: member, Up: true}); err != nil {
			t.Fatal(err)
		}
		took := pollBoth(ctx, t, start, a, a.desired(macB, macBPeer), b, b.desired(macA, macAPeer))
		t.Logf("A:%s back up → relearned in the platform: A after %s, B after %s (carrier, LLDPDU at port up, rate-limited to 1/s per port)",
			member, took[0].Round(time.Microsecond), took[1].Round(time.Microsecond))
		checkLearned(ctx, t, a, macB, macB, macBPeer)
		checkLearned(ctx, t, b, macA, macA, macAPeer)
	})
}

// pollBoth polls both platforms until each holds its set and returns the
// time since start at which each first did.
func pollBoth(ctx context.Context, t *testing.T, start time.Time, a *node, wantA map[lab.MyMAC]bool, b *node, wantB map[lab.MyMAC]bool) [2]time.Duration {
	t.Helper()
	var took [2]time.Duration
	nodes := [2]*node{a, b}
	wants := [2]map[lab.MyMAC]bool{wantA, wantB}
	poll(ctx, t, start, "A and B platform MY_MAC", func() (bool, string, error) {
		var details []string
		for i, n := range nodes {
			if took[i] != 0 {
				continue
			}
			have, err := n.platformMyMAC(ctx)
			if err != nil {
				return false, "", err
			}
			if sameSet(have, wants[i]) {
				took[i] = time.Since(start)
			} else {
				details = append(details, n.name+" holds "+setString(have)+", want "+setString(wants[i]))
			}
		}
		return took[0] != 0 && took[1] != 0, strings.Join(details, "; "), nil
	})
	return took
}
