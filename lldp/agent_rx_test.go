package lldp

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestLearnFromNeighbor(t *testing.T) {
	r := newRig(t, c1Config(), "Ethernet8", "Ethernet12")
	r.frames()
	r.mustRecv("Ethernet8", frameFor(t, macC, "Ethernet8", 120, macC, macD))
	r.wantChanges("+00:01:e8:00:00:0c", "+00:01:e8:00:00:0d")
	r.wantChanges() // drained
	got := r.a.Learned(r.now)
	if len(got) != 2 || !slices.Equal(got[0].LearnedOn, []string{"Ethernet8"}) ||
		!slices.Equal(got[0].Neighbors, []string{"00:01:e8:00:00:0c"}) || got[0].ExpiresIn != 120*time.Second {
		t.Errorf("learned view %+v", got)
	}
	n := r.a.Neighbors(r.now)
	if len(n) != 1 || n[0].LocalPort != "Ethernet8" || n[0].ChassisID != ChassisMAC(macC) || n[0].PortID != PortName("Ethernet8") ||
		n[0].TTL != 120 || !n[0].LastRx.Equal(r.now) || n[0].SystemName != "peer" || macStrings(n[0].MACs...) != macStrings(macC, macD) {
		t.Errorf("neighbour view %+v", n)
	}
	if c := r.counters("Ethernet8"); c.Rx != 1 || c.Ignored != 0 || c.Malformed != 0 {
		t.Errorf("counters %+v", c)
	}
}

func TestRefreshAndTTLExpiry(t *testing.T) {
	r := newRig(t, c1Config(), "Ethernet8")
	f := frameFor(t, macC, "Ethernet8", 120, macC)
	r.mustRecv("Ethernet8", f)
	r.wantChanges("+00:01:e8:00:00:0c")
	r.now = r.now.Add(100 * time.Second)
	r.mustRecv("Ethernet8", f) // refresh: expires at +220 s
	r.wantChanges()
	if l := r.a.Learned(r.now); l[0].ExpiresIn != 120*time.Second {
		t.Errorf("expires_in after refresh %v", l[0].ExpiresIn)
	}
	r.now = t0.Add(219 * time.Second)
	r.a.Tick(r.now)
	r.wantLearned("00:01:e8:00:00:0c")
	if d := r.a.NextDeadline(); !d.Equal(t0.Add(220 * time.Second)) {
		t.Errorf("next deadline +%v, want the expiry at +220s", d.Sub(t0))
	}
	r.now = t0.Add(220 * time.Second)
	r.a.Tick(r.now)
	r.wantLearned()
	r.wantChanges("-00:01:e8:00:00:0c")
	if len(r.a.Neighbors(r.now)) != 0 {
		t.Error("neighbour still present after TTL expiry")
	}
}

func TestShutdownLLDPDURemovesNeighbor(t *testing.T) {
	r := newRig(t, c1Config(), "Ethernet8", "Ethernet12")
	r.mustRecv("Ethernet8", frameFor(t, macC, "Ethernet8", 120, macC, macD))
	r.mustRecv("Ethernet12", frameFor(t, macD, "Ethernet12", 120, macD))
	r.wantChanges("+00:01:e8:00:00:0c", "+00:01:e8:00:00:0d")
	// C leaves: D stays learned while D's own neighbour advertises it
	r.mustRecv("Ethernet8", frameFor(t, macC, "Ethernet8", 0))
	r.wantChanges("-00:01:e8:00:00:0c")
	l := r.a.Learned(r.now)
	if len(l) != 1 || !slices.Equal(l[0].LearnedOn, []string{"Ethernet12"}) {
		t.Errorf("learned %+v", l)
	}
	// a shutdown from an unknown neighbour is harmless
	r.mustRecv("Ethernet8", frameFor(t, macC, "Ethernet8", 0))
	if len(r.a.Neighbors(r.now)) != 1 {
		t.Errorf("neighbours %+v", r.a.Neighbors(r.now))
	}
}

func TestPortDownRemovesAtOnce(t *testing.T) {
	r := newRig(t, c1Config(), "Ethernet8", "Ethernet12")
	r.mustRecv("Ethernet8", frameFor(t, macC, "Ethernet8", 120, macC))
	r.mustRecv("Ethernet12", frameFor(t, macD, "Ethernet12", 120, macD))
	r.wantChanges("+00:01:e8:00:00:0c", "+00:01:e8:00:00:0d")
	r.frames()
	r.now = r.now.Add(time.Second)
	r.a.PortOper("Ethernet8", false, r.now)
	r.wantChanges("-00:01:e8:00:00:0c") // not waiting for the 120 s TTL
	r.wantFrames()                      // no shutdown on a dead link
	if err := r.recv("Ethernet8", frameFor(t, macC, "Ethernet8", 120, macC)); err != nil {
		t.Fatal(err)
	}
	r.wantLearned("00:01:e8:00:00:0d")
	if c := r.counters("Ethernet8"); c.Ignored != 1 {
		t.Errorf("frame on a down port: counters %+v", c)
	}
	// hellos continue on Ethernet12 only
	r.advance(30 * time.Second)
	r.wantFrames("Ethernet12:00:01:e8:00:01:0c/ttl=120/[00:01:e8:00:01:0c]")
}

func TestTLVContentChange(t *testing.T) {
	r := newRig(t, c1Config(), "Ethernet8")
	r.mustRecv("Ethernet8", frameFor(t, macC, "Ethernet8", 120, macC, macD))
	r.wantChanges("+00:01:e8:00:00:0c", "+00:01:e8:00:00:0d")
	r.mustRecv("Ethernet8", frameFor(t, macC, "Ethernet8", 120, macD, macC, macD)) // same set, other order, duplicate
	r.wantChanges()
	r.mustRecv("Ethernet8", frameFor(t, macC, "Ethernet8", 120, macC))
	r.wantChanges("-00:01:e8:00:00:0d")
	// an LLDPDU without our TLV: the neighbour stays, advertising nothing
	r.mustRecv("Ethernet8", frameFor(t, macC, "Ethernet8", 120))
	r.wantChanges("-00:01:e8:00:00:0c")
	if n := r.a.Neighbors(r.now); len(n) != 1 || n[0].MACs != nil {
		t.Errorf("neighbours %+v", n)
	}
	r.mustRecv("Ethernet8", frameFor(t, macC, "Ethernet8", 120, macC))
	r.wantChanges("+00:01:e8:00:00:0c")
}

func TestMalformedAndInvalidMACsCounted(t *testing.T) {
	r := newRig(t, c1Config(), "Ethernet8")
	seventeen := make([]MAC, 17)
	for i := range seventeen {
		seventeen[i] = seqMAC(i + 1)
	}
	bad := ethLLDP(macC, chassisTLV(macC), portTLV("Ethernet8"), ttlTLV(120), pgTLV(seventeen...), endTLV())
	err := r.recv("Ethernet8", bad)
	var de *DecodeError
	if !isMalformed(err) || !errors.As(err, &de) || de.TLVType != tlvOrgSpecific {
		t.Errorf("17 MACs: %v, want a malformed org TLV error", err)
	}
	if err := r.recv("Ethernet8", bad[:20]); !isMalformed(err) {
		t.Errorf("truncated: %v", err)
	}
	r.mustRecv("Ethernet8", ethLLDP(macC, chassisTLV(macC), portTLV("Ethernet8"), ttlTLV(120),
		pgTLV(MAC{}, macC, MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}), endTLV()))
	r.wantLearned("00:01:e8:00:00:0c")
	if c := r.counters("Ethernet8"); c.Rx != 3 || c.Malformed != 2 || c.InvalidMACs != 2 {
		t.Errorf("counters %+v", c)
	}
}

func TestIgnoredOffTheExchange(t *testing.T) {
	cfg := c1Config()
	cfg.TLVDisabled = []string{"Ethernet12"}
	r := newRig(t, cfg, "Ethernet0", "Ethernet8", "Ethernet12")
	f := frameFor(t, macC, "Ethernet8", 120, macC)
	r.mustRecv("Ethernet0", f)  // not a member of the peer-domain link
	r.mustRecv("Ethernet12", f) // member, TLV disabled
	r.mustRecv("Ethernet16", f) // never heard of
	r.wantLearned()
	for _, p := range []string{"Ethernet0", "Ethernet12", "Ethernet16"} {
		if c := r.counters(p); c.Rx != 1 || c.Ignored != 1 {
			t.Errorf("%s counters %+v", p, c)
		}
	}
	// even a malformed frame is just ignored there
	if err := r.recv("Ethernet0", []byte{1, 2, 3}); err != nil {
		t.Errorf("malformed frame on a non-member: %v", err)
	}
	r.mustRecv("Ethernet8", f)
	r.wantLearned("00:01:e8:00:00:0c")
}

func TestOwnAndPeerMACsIgnored(t *testing.T) {
	cfg := c1Config()
	router := mustMAC("00:01:e8:00:01:99")
	cfg.RouterMACs = []MAC{router}
	r := newRig(t, cfg, "Ethernet8")
	r.mustRecv("Ethernet8", frameFor(t, macC, "Ethernet8", 120, macC1, macD1, router, macC))
	r.wantChanges("+00:01:e8:00:00:0c")
	// our own LLDPDU looped back is not a neighbour
	r.mustRecv("Ethernet8", frameFor(t, macC1, "Ethernet8", 120, macC1))
	if n := r.a.Neighbors(r.now); len(n) != 1 {
		t.Errorf("neighbours %+v", n)
	}
	if c := r.counters("Ethernet8"); c.Ignored != 1 {
		t.Errorf("counters %+v", c)
	}
	// once D1 is no longer our peer, its MAC from C is learned at once
	cfg.PeerMAC = MAC{}
	r.setConfig(cfg)
	r.wantChanges("+00:01:e8:00:01:0d")
	// and once C's MAC becomes ours, it is withdrawn
	cfg.RouterMACs = append(cfg.RouterMACs, macC)
	r.setConfig(cfg)
	r.wantChanges("-00:01:e8:00:00:0c")
}

func TestDomainCap(t *testing.T) {
	r := newRig(t, c1Config(), "Ethernet8")
	// five neighbours × 16 MACs = 80 candidates for 64 places
	nb := func(i int, ttl uint16) []byte {
		ch := MAC{0x02, 0xcc, 0, 0, 0, byte(i)}
		macs := make([]MAC, 16)
		for j := range macs {
			macs[j] = seqMAC(16*i + j)
		}
		return frameFor(t, ch, "Ethernet8", ttl, macs...)
	}
	for i := range 4 {
		r.mustRecv("Ethernet8", nb(i, 120))
	}
	r.now = r.now.Add(time.Second)
	r.mustRecv("Ethernet8", nb(4, 120))
	if l, ref := r.a.Learned(r.now), r.a.Refused(r.now); len(l) != 64 || len(ref) != 16 {
		t.Fatalf("learned %d refused %d, want 64 and 16", len(l), len(ref))
	}
	ref := r.a.Refused(r.now)
	if ref[0].MAC != seqMAC(64) || ref[15].MAC != seqMAC(79) || !ref[0].RefusedSince.Equal(r.now) ||
		ref[0].Neighbors[0] != "02:cc:00:00:00:04" {
		t.Errorf("refused %+v .. %+v, want neighbour 4's MACs", ref[0], ref[15])
	}
	if ch := r.a.Changes(); len(ch) != 64 {
		t.Errorf("%d changes, want 64", len(ch))
	}
	// a learned MAC is never evicted by a newer one: neighbour 0 refreshes
	// and neighbour 4 stays refused
	r.mustRecv("Ethernet8", nb(0, 120))
	r.wantChanges()
	// neighbour 1 leaves: room for neighbour 4's MACs at once
	r.mustRecv("Ethernet8", nb(1, 0))
	if ch := r.a.Changes(); len(ch) != 32 || ch[0].Learned || !ch[16].Learned || ch[16].MAC != seqMAC(64) {
		t.Errorf("changes after room appeared: %v", ch)
	}
	if len(r.a.Refused(r.now)) != 0 || len(r.a.Learned(r.now)) != 64 {
		t.Errorf("refused %d learned %d", len(r.a.Refused(r.now)), len(r.a.Learned(r.now)))
	}
}

func TestTooManyNeighborsOnAPort(t *testing.T) {
	r := newRig(t, c1Config(), "Ethernet8")
	for i := range MaxNeighborsPerPort {
		r.mustRecv("Ethernet8", frameFor(t, MAC{0x02, 0xcc, 0, 0, 0, byte(i)}, "Ethernet8", 120, seqMAC(i)))
	}
	err := r.recv("Ethernet8", frameFor(t, MAC{0x02, 0xcc, 0, 0, 0, 0xff}, "Ethernet8", 120, seqMAC(0xff)))
	if !errors.Is(err, ErrTooManyNeighbors) {
		t.Errorf("ninth neighbour: %v", err)
	}
	if c := r.counters("Ethernet8"); c.NeighborsRefused != 1 || len(r.a.Neighbors(r.now)) != MaxNeighborsPerPort {
		t.Errorf("counters %+v", c)
	}
	// known neighbours still refresh
	r.mustRecv("Ethernet8", frameFor(t, MAC{0x02, 0xcc, 0, 0, 0, 0}, "Ethernet8", 120, seqMAC(0)))
}

func TestNeighborKeyedByLocalPortChassisAndPortID(t *testing.T) {
	r := newRig(t, c1Config(), "Ethernet8", "Ethernet12")
	r.mustRecv("Ethernet8", frameFor(t, macC, "Ethernet8", 120, macC))
	r.mustRecv("Ethernet8", frameFor(t, macC, "Ethernet9", 120, macC))  // same chassis, other remote port
	r.mustRecv("Ethernet12", frameFor(t, macC, "Ethernet8", 120, macC)) // same sender seen on another local port
	if n := r.a.Neighbors(r.now); len(n) != 3 {
		t.Fatalf("%d neighbours, want 3", len(n))
	}
	l := r.a.Learned(r.now)
	if !slices.Equal(l[0].LearnedOn, []string{"Ethernet12", "Ethernet8"}) || !slices.Equal(l[0].Neighbors, []string{"00:01:e8:00:00:0c"}) {
		t.Errorf("learned %+v", l)
	}
}

func TestChangesCoalesce(t *testing.T) {
	r := newRig(t, c1Config(), "Ethernet8")
	r.mustRecv("Ethernet8", frameFor(t, macC, "Ethernet8", 120, macC))
	r.mustRecv("Ethernet8", frameFor(t, macC, "Ethernet8", 0))
	r.wantChanges() // learned and lost before anyone looked: nothing to write
}
