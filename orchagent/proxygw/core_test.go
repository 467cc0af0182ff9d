package proxygw

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

var (
	macC  = mustMAC("00:01:e8:00:00:0c")
	macD  = mustMAC("00:01:e8:00:00:0d")
	macC1 = mustMAC("00:01:e8:00:01:0c")
	macD1 = mustMAC("00:01:e8:00:01:0d")
)

func mustMAC(s string) MAC {
	m, err := ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

func vlans(s string) VLANSet {
	v, err := ParseVLANList(s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestVLANList(t *testing.T) {
	for in, want := range map[string]string{"": "", "10": "10", "10,20-22,21": "10,20-22", " 5 , 7-8 ": "5,7-8", "1-4094": "1-4094"} {
		s, err := ParseVLANList(in)
		if err != nil || s.String() != want {
			t.Errorf("%q → %q, %v (want %q)", in, s.String(), err, want)
		}
	}
	for _, bad := range []string{"0", "4095", "10-5", "x", "10,", "1-4096", "-3"} {
		if _, err := ParseVLANList(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	all := vlans("1-4094")
	if all.Len() != 4094 || all.Has(0) || all.Has(4095) {
		t.Fatalf("full set len %d", all.Len())
	}
}

// The reference scenario (spec §8) seen from C1: domain 2, remote C and D.
func TestDesiredScenarios(t *testing.T) {
	l3 := vlans("10,20,30")
	cases := []struct {
		name string
		dom  Domain
		want map[MAC]string
	}{
		{"static, VLAN 30 excluded for both", Domain{Mode: ModeStatic,
			Static: map[MAC]VLANSet{macC: vlans("30"), macD: vlans("30")}},
			map[MAC]string{macC: "10,20", macD: "10,20"}},
		{"static, per-MAC exclusion", Domain{Mode: ModeStatic,
			Static: map[MAC]VLANSet{macC: vlans("20,30"), macD: {}}},
			map[MAC]string{macC: "10", macD: "10,20,30"}},
		{"lldp uses the peer link's exclusion", Domain{Mode: ModeLLDP, Learned: map[MAC]bool{macC: true},
			PeerLinkExclude: vlans("30"), Static: map[MAC]VLANSet{macD: {}}},
			map[MAC]string{macC: "10,20"}},
		{"peer routing adds the peer MAC everywhere", Domain{Mode: ModeLLDP, Learned: map[MAC]bool{macC: true},
			PeerLinkExclude: vlans("30"), PeerMAC: macD1, PeerRoutingActive: true},
			map[MAC]string{macC: "10,20", macD1: "10,20,30"}},
		{"peer routing inactive", Domain{Mode: ModeNone, PeerMAC: macD1}, map[MAC]string{}},
		{"everything excluded", Domain{Mode: ModeStatic, Static: map[MAC]VLANSet{macC: vlans("1-4094")}}, map[MAC]string{}},
	}
	for _, c := range cases {
		c.dom.ID = 2
		got := ComputeDesired(&Intent{Domains: map[int]*Domain{2: &c.dom}, L3VLANs: l3})
		gotS := map[MAC]string{}
		for m, s := range got {
			gotS[m] = s.String()
		}
		if !reflect.DeepEqual(gotS, c.want) {
			t.Errorf("%s: got %v want %v", c.name, gotS, c.want)
		}
	}
}

func TestTwoSourcesKeepAnEntry(t *testing.T) {
	in := &Intent{L3VLANs: vlans("10,20"), Domains: map[int]*Domain{
		1: {ID: 1, Mode: ModeStatic, Static: map[MAC]VLANSet{macC: vlans("20")}},
		2: {ID: 2, Mode: ModeLLDP, Learned: map[MAC]bool{macC: true}},
	}}
	d := ComputeDesired(in)
	if d[macC].String() != "10,20" {
		t.Fatalf("union of sources = %s", d[macC].String())
	}
	if srcs := Sources(in)[macC]; len(srcs) != 2 || srcs[0].Kind != SourceStatic || srcs[1].Kind != SourceLLDP {
		t.Fatalf("sources %+v", srcs)
	}
	delete(in.Domains[2].Learned, macC) // one source goes, the other keeps VLAN 10
	d2 := ComputeDesired(in)
	creates, removes := Diff(d2, d)
	if len(creates) != 0 || !reflect.DeepEqual(removes, []Entry{{macC, 20}}) {
		t.Fatalf("creates %v removes %v", creates, removes)
	}
}

func TestDiffMinimal(t *testing.T) {
	installed := Desired{macC: vlans("10,20"), macD: vlans("10")}
	desired := Desired{macC: vlans("10,30"), macD1: vlans("5")}
	creates, removes := Diff(desired, installed)
	wantC := []Entry{{macC, 30}, {macD1, 5}}
	wantR := []Entry{{macC, 20}, {macD, 10}}
	if !reflect.DeepEqual(creates, wantC) || !reflect.DeepEqual(removes, wantR) {
		t.Fatalf("creates %v removes %v", creates, removes)
	}
	if got := Apply(installed, creates, removes); !reflect.DeepEqual(got, desired) {
		t.Fatalf("apply = %v", got)
	}
}

// Property: over random intent sequences, applying each diff yields the
// desired set; nothing is removed and re-created in one step; a change of
// one VLAN interface touches only that VLAN.
func TestPropertyRandomIntentSequences(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	macs := []MAC{macC, macD, macC1, macD1, mustMAC("00:01:e8:00:02:0c")}
	randSet := func(max int) VLANSet {
		var s VLANSet
		for i := r.IntN(max); i > 0; i-- {
			s.Add(uint16(1 + r.IntN(60)))
		}
		return s
	}
	in := &Intent{Domains: map[int]*Domain{
		1: {ID: 1, Mode: ModeStatic, Static: map[MAC]VLANSet{}},
		2: {ID: 2, Mode: ModeLLDP, Learned: map[MAC]bool{}},
	}}
	installed := Desired{}
	for step := 0; step < 3000; step++ {
		vlanOnly := false
		var touched uint16
		switch r.IntN(8) {
		case 0:
			in.Domains[1].Static[macs[r.IntN(len(macs))]] = randSet(6)
		case 1:
			delete(in.Domains[1].Static, macs[r.IntN(len(macs))])
		case 2:
			m := macs[r.IntN(len(macs))]
			in.Domains[2].Learned[m] = !in.Domains[2].Learned[m]
		case 3:
			in.Domains[2].PeerLinkExclude = randSet(10)
		case 4:
			touched = uint16(1 + r.IntN(60))
			vlanOnly = true
			if in.L3VLANs.Has(touched) {
				in.L3VLANs.Remove(touched)
			} else {
				in.L3VLANs.Add(touched)
			}
		case 5:
			d := in.Domains[r.IntN(2)+1]
			d.Mode = Mode(r.IntN(3))
		case 6:
			in.Domains[1].PeerMAC = macs[r.IntN(len(macs))]
			in.Domains[1].PeerRoutingActive = r.IntN(2) == 0
		case 7:
			in.L3VLANs = randSet(30)
		}
		desired := ComputeDesired(in)
		creates, removes := Diff(desired, installed)
		seen := map[Entry]bool{}
		for _, e := range removes {
			seen[e] = true
		}
		for _, e := range creates {
			if seen[e] {
				t.Fatalf("step %d: %v removed and created in one diff", step, e)
			}
			if vlanOnly && e.VLAN != touched {
				t.Fatalf("step %d: VLAN %d change created %v", step, touched, e)
			}
		}
		if vlanOnly {
			for _, e := range removes {
				if e.VLAN != touched {
					t.Fatalf("step %d: VLAN %d change removed %v", step, touched, e)
				}
			}
		}
		installed = Apply(installed, creates, removes)
		if !reflect.DeepEqual(installed, desired) {
			t.Fatalf("step %d: installed %v != desired %v", step, installed, desired)
		}
	}
}

func TestPeerRoutingTimeout(t *testing.T) {
	t0 := time.Unix(1000, 0)
	p := PeerRouting{Enabled: true, Timeout: 10 * time.Second}
	if !p.Active(t0) {
		t.Fatal("unknown peer status should route (static peer_mac)")
	}
	p.SetPeer(true, t0)
	p.SetPeer(false, t0.Add(time.Second))
	if !p.Active(t0.Add(10*time.Second)) || p.NextDeadline(t0.Add(2*time.Second)) != t0.Add(11*time.Second) {
		t.Fatalf("within timeout: active %v deadline %v", p.Active(t0.Add(10*time.Second)), p.NextDeadline(t0))
	}
	if p.Active(t0.Add(11 * time.Second)) {
		t.Fatal("still active after the timeout")
	}
	p.SetPeer(false, t0.Add(12*time.Second)) // repeated down does not restart the timer
	if p.Active(t0.Add(12 * time.Second)) {
		t.Fatal("a repeated down event restarted the timeout")
	}
	p.SetPeer(true, t0.Add(20*time.Second))
	if !p.Active(t0.Add(20*time.Second)) || !p.NextDeadline(t0.Add(20*time.Second)).IsZero() {
		t.Fatal("peer back up is not routed")
	}
	forever := PeerRouting{Enabled: true}
	forever.SetPeer(false, t0)
	if !forever.Active(t0.Add(1000*time.Hour)) || !forever.NextDeadline(t0).IsZero() {
		t.Fatal("timeout 0 must keep routing forever")
	}
	off := PeerRouting{Enabled: false}
	if off.Active(t0) {
		t.Fatal("disabled peer routing is active")
	}
}

func TestTrackerTableFullRetry(t *testing.T) {
	tr := NewTracker(nil)
	want := Desired{macC: vlans("10,20,30")}
	creates, _ := tr.Plan(want)
	// The table takes two of three.
	for i, e := range creates {
		st := "SAI_STATUS_SUCCESS"
		if i == 2 {
			st = StatusTableFull
		}
		tr.Created(e, st)
	}
	s := tr.Status(macC, want[macC])
	if s.State != "partial" || s.Installed.String() != "10,20" || s.Failed.String() != "30" ||
		s.Error != "SAI_STATUS_TABLE_FULL on VLANs 30" {
		t.Fatalf("status %+v", s)
	}
	if inst, failed := tr.Counts(); inst != 2 || failed != 1 {
		t.Fatalf("counts %d %d", inst, failed)
	}
	// Without new room the full entry is not hammered.
	if c, r := tr.Plan(want); len(c) != 0 || len(r) != 0 {
		t.Fatalf("retried without room: %v %v", c, r)
	}
	// Another MAC leaves: its remove frees room and the refused entry is
	// retried on the next plan, installed entries untouched.
	want2 := Desired{macC: vlans("10,20,30")}
	tr.Created(Entry{macD, 5}, "")
	_, removes := tr.Plan(want2)
	if !reflect.DeepEqual(removes, []Entry{{macD, 5}}) {
		t.Fatalf("removes %v", removes)
	}
	tr.Removed(Entry{macD, 5}, "SAI_STATUS_SUCCESS")
	creates, removes = tr.Plan(want2)
	if !reflect.DeepEqual(creates, []Entry{{macC, 30}}) || len(removes) != 0 {
		t.Fatalf("retry plan %v %v", creates, removes)
	}
	tr.Created(Entry{macC, 30}, "SAI_STATUS_SUCCESS")
	if s := tr.Status(macC, want2[macC]); s.State != "installed" || s.Error != "" {
		t.Fatalf("after retry %+v", s)
	}
	// A failure no longer desired is forgotten.
	tr.Created(Entry{macD1, 7}, StatusTableFull)
	tr.Plan(want2)
	if _, failed := tr.Counts(); failed != 0 {
		t.Fatal("unwanted failure kept")
	}
}

func BenchmarkDesiredAndDiff16x4000(b *testing.B) {
	var l3 VLANSet
	l3.AddRange(1, 4000)
	static := map[MAC]VLANSet{}
	for i := 0; i < 16; i++ {
		static[MAC{0, 1, 0xe8, 0, byte(i), 0xc}] = vlans("30")
	}
	in := &Intent{L3VLANs: l3, Domains: map[int]*Domain{1: {ID: 1, Mode: ModeStatic, Static: static}}}
	installed := Desired{}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		d := ComputeDesired(in)
		creates, removes := Diff(d, installed)
		if len(creates) != 16*3999 || len(removes) != 0 {
			b.Fatalf("creates %d removes %d", len(creates), len(removes))
		}
	}
}
