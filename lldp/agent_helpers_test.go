package lldp

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// c1Config is node C1 of the reference scenario (spec §8): peer D1,
// PortChannel100 members Ethernet8 (to C) and Ethernet12 (diagonal to D).
func c1Config() Config {
	return Config{
		DomainID: 2, Enabled: true,
		SystemMAC: macC1, SystemName: "C1", PeerMAC: macD1,
		Members:   []string{"Ethernet8", "Ethernet12"},
		HelloTime: 30 * time.Second, Multiplier: 4,
	}
}

// rig drives an Agent with a fake clock.
type rig struct {
	t   *testing.T
	a   *Agent
	now time.Time
}

func newRig(t *testing.T, cfg Config, upPorts ...string) *rig {
	t.Helper()
	a, err := New(cfg, t0)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	r := &rig{t: t, a: a, now: t0}
	for _, p := range upPorts {
		a.PortOper(p, true, t0)
	}
	return r
}

func (r *rig) advance(d time.Duration) { r.now = r.now.Add(d); r.a.Tick(r.now) }

// sent is a decoded TxFrame.
type sent struct {
	Port string
	PDU  PDU
}

func (s sent) String() string {
	return fmt.Sprintf("%s:%s/ttl=%d/%v", s.Port, s.PDU.ChassisID, s.PDU.TTL, s.PDU.MACs)
}

// frames drains and decodes what the agent wants sent; every frame must
// pass our own strict decoder.
func (r *rig) frames() []sent {
	r.t.Helper()
	var out []sent
	for _, f := range r.a.Frames() {
		p, err := Decode(f.Frame)
		if err != nil {
			r.t.Fatalf("agent emitted an undecodable frame on %s: %v", f.Port, err)
		}
		if p.PortID != PortName(f.Port) {
			r.t.Fatalf("frame for %s carries Port ID %s", f.Port, p.PortID)
		}
		out = append(out, sent{f.Port, p})
	}
	return out
}

func (r *rig) wantFrames(want ...string) {
	r.t.Helper()
	var got []string
	for _, s := range r.frames() {
		got = append(got, s.String())
	}
	if !slices.Equal(got, want) {
		r.t.Errorf("at +%v frames:\n got %q\nwant %q", r.now.Sub(t0), got, want)
	}
}

func (r *rig) recv(port string, frame []byte) error {
	return r.a.Receive(port, frame, r.now)
}

func (r *rig) mustRecv(port string, frame []byte) {
	r.t.Helper()
	if err := r.recv(port, frame); err != nil {
		r.t.Fatalf("Receive on %s: %v", port, err)
	}
}

// wantChanges checks the drained changes, written as "+mac" / "-mac".
func (r *rig) wantChanges(want ...string) {
	r.t.Helper()
	var got []string
	for _, c := range r.a.Changes() {
		sign := "-"
		if c.Learned {
			sign = "+"
		}
		got = append(got, sign+c.MAC.String())
	}
	if !slices.Equal(got, want) {
		r.t.Errorf("at +%v changes %q, want %q", r.now.Sub(t0), got, want)
	}
}

func (r *rig) learned() []string {
	var out []string
	for _, m := range r.a.Learned(r.now) {
		out = append(out, m.MAC.String())
	}
	return out
}

func (r *rig) wantLearned(want ...string) {
	r.t.Helper()
	if got := r.learned(); !slices.Equal(got, want) {
		r.t.Errorf("at +%v learned %q, want %q", r.now.Sub(t0), got, want)
	}
}

func (r *rig) counters(port string) PortCounters { return r.a.Counters()[port] }

func (r *rig) setConfig(cfg Config) {
	r.t.Helper()
	if err := r.a.SetConfig(cfg, r.now); err != nil {
		r.t.Fatalf("SetConfig: %v", err)
	}
}

func macStrings(ms ...MAC) string {
	var s []string
	for _, m := range ms {
		s = append(s, m.String())
	}
	return "[" + strings.Join(s, " ") + "]"
}

func isMalformed(err error) bool { return errors.Is(err, ErrMalformed) }
