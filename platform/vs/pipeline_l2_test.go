package vs

import (
	"bytes"
	"sort"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

const (
	hostA = "00:00:00:aa:00:01"
	hostB = "00:00:00:bb:00:02"
	hostC = "00:00:00:cc:00:03"
	bcast = "ff:ff:ff:ff:ff:ff"
)

// l2Switch: Ethernet0 and Ethernet4 access ports in VLAN 10, Ethernet8 a
// trunk (tagged 10 and 20), Ethernet12 access in VLAN 20.
type l2Switch struct {
	*tsw
	v10, v20            uint64
	bp0, bp4, bp8, bp12 uint64
}

func newL2Switch(t *testing.T) *l2Switch {
	ts := newTestSwitch(t, testConfig(4))
	s := &l2Switch{tsw: ts}
	ts.up("Ethernet0", "Ethernet4", "Ethernet8", "Ethernet12")
	s.v10, s.v20 = ts.vlan(10), ts.vlan(20)
	s.bp0 = ts.access("Ethernet0", s.v10, 10)
	s.bp4 = ts.access("Ethernet4", s.v10, 10)
	s.bp8 = ts.bridgePort(ts.port("Ethernet8"))
	ts.member(s.v10, s.bp8, true)
	ts.member(s.v20, s.bp8, true)
	s.bp12 = ts.access("Ethernet12", s.v20, 20)
	return s
}

func ports(m map[string][][]byte) []string {
	var out []string
	for p := range m {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func TestBridgingFloodingAndTagging(t *testing.T) {
	s := newL2Switch(t)
	tests := []struct {
		name    string
		in      string
		frame   []byte
		want    map[string]uint16 // port → VLAN tag expected on egress (0 = untagged)
		counter string
	}{
		{"unknown unicast floods VLAN 10 except ingress, trunk tagged", "Ethernet0", l2Frame(hostB, hostA, 0),
			map[string]uint16{"Ethernet4": 0, "Ethernet8": 10}, "flooded"},
		{"learned destination goes to one port", "Ethernet4", l2Frame(hostA, hostB, 0),
			map[string]uint16{"Ethernet0": 0}, "bridged"},
		{"reverse direction now known too", "Ethernet0", l2Frame(hostB, hostA, 0),
			map[string]uint16{"Ethernet4": 0}, "bridged"},
		{"broadcast from the trunk in VLAN 20 reaches the access port untagged", "Ethernet8", l2Frame(bcast, hostC, 20),
			map[string]uint16{"Ethernet12": 0}, "flooded"},
		{"tagged frame to a known MAC leaves the access port untagged", "Ethernet8", l2Frame(hostA, hostC, 10),
			map[string]uint16{"Ethernet0": 0}, "bridged"},
		{"to the trunk: tagged with the VLAN", "Ethernet0", l2Frame(hostC, hostA, 0),
			map[string]uint16{"Ethernet8": 10}, "bridged"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := s.sw.Stage(tc.counter)
			s.inject(tc.in, tc.frame)
			got := s.out()
			if len(got) != len(tc.want) {
				t.Fatalf("egress ports %v, want %v", ports(got), tc.want)
			}
			for p, vid := range tc.want {
				fr := got[p]
				if len(fr) != 1 {
					t.Fatalf("%s: %d frames, want 1", p, len(fr))
				}
				pkt := decode(fr[0])
				d, tagged := pkt.Layer(layers.LayerTypeDot1Q).(*layers.Dot1Q)
				switch {
				case vid == 0 && tagged:
					t.Errorf("%s: tagged %d, want untagged", p, d.VLANIdentifier)
				case vid != 0 && (!tagged || d.VLANIdentifier != vid):
					t.Errorf("%s: want tag %d, got %v", p, vid, pkt)
				}
				if !bytes.Contains(fr[0], []byte("vltgw test payload 0123456789")) {
					t.Errorf("%s: payload lost", p)
				}
			}
			if s.sw.Stage(tc.counter) != before+1 {
				t.Errorf("counter %s: %d → %d, want +1", tc.counter, before, s.sw.Stage(tc.counter))
			}
		})
	}
}

func TestIngressVLANFiltering(t *testing.T) {
	s := newL2Switch(t)
	tests := []struct {
		name  string
		in    string
		frame []byte
	}{
		{"VLAN 20 tag on a VLAN 10 access port", "Ethernet0", l2Frame(hostB, hostA, 20)},
		{"VLAN 30 (no such VLAN) on the trunk", "Ethernet8", l2Frame(hostB, hostA, 30)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := s.sw.Stage("dropped_vlan")
			s.inject(tc.in, tc.frame)
			if got := s.out(); len(got) != 0 {
				t.Fatalf("forwarded to %v", ports(got))
			}
			if s.sw.Stage("dropped_vlan") != before+1 {
				t.Errorf("dropped_vlan not counted")
			}
		})
	}
}

// TestLearningMoveAndAging: a MAC learned on one port, moving to another,
// events on the Subscribe hub, aging by the injected clock.
func TestLearningMoveAndAging(t *testing.T) {
	s := newL2Switch(t)
	sub, cancel := s.sw.events.subscribe()
	defer cancel()
	fdbEvents := func() []*halv1.FdbEvent {
		var out []*halv1.FdbEvent
		for _, ev := range sub.take() {
			if f := ev.GetFdb(); f != nil {
				out = append(out, f)
			}
		}
		return out
	}

	s.inject("Ethernet0", l2Frame(bcast, hostA, 0))
	s.out()
	ev := fdbEvents()
	if len(ev) != 1 || ev[0].GetKind() != halv1.FdbEvent_KIND_LEARNED || ev[0].GetBridgePortId() != s.bp0 ||
		ev[0].GetEntry().GetBvId() != s.v10 || !bytes.Equal(ev[0].GetEntry().GetMac(), mustMAC(hostA)) {
		t.Fatalf("learn events %v", ev)
	}
	// The learned entry is an object: Get sees it as dynamic on bp0.
	attrs := s.get(fdbKeyOf(s.v10, hostA))
	if len(attrs) < 2 || attrs[0].GetEnumName() != fdbDynamic || attrs[1].GetOid() != s.bp0 {
		t.Fatalf("learned entry attrs %v", attrs)
	}

	// hostA moves to Ethernet4.
	s.inject("Ethernet4", l2Frame(bcast, hostA, 0))
	s.out()
	ev = fdbEvents()
	if len(ev) != 1 || ev[0].GetKind() != halv1.FdbEvent_KIND_MOVE || ev[0].GetBridgePortId() != s.bp4 {
		t.Fatalf("move events %v", ev)
	}
	s.inject("Ethernet8", l2Frame(hostA, hostC, 10))
	if got := s.out(); len(got) != 1 || len(got["Ethernet4"]) != 1 {
		t.Fatalf("after the move frames went to %v, want Ethernet4", ports(got))
	}
	fdbEvents() // hostC learned on the trunk

	// Aging: hostC refreshed late, hostA not.
	s.sw.mu.Lock()
	s.sw.st.ageTime = 10 * time.Second
	s.sw.mu.Unlock()
	s.clock.Advance(8 * time.Second)
	s.inject("Ethernet8", l2Frame(bcast, hostC, 10))
	s.out()
	s.clock.Advance(3 * time.Second)
	if n := s.sw.AgeFDB(); n != 1 {
		t.Fatalf("aged %d entries, want 1 (hostA)", n)
	}
	ev = fdbEvents()
	if len(ev) != 1 || ev[0].GetKind() != halv1.FdbEvent_KIND_AGED || !bytes.Equal(ev[0].GetEntry().GetMac(), mustMAC(hostA)) {
		t.Fatalf("aging events %v", ev)
	}
	if r := s.sw.Get(fdbKeyOf(s.v10, hostA)); r.GetStatus() != halv1.Status_STATUS_ITEM_NOT_FOUND {
		t.Fatalf("aged entry still readable: %v", r)
	}
	// Static entries never age and are not moved by learning.
	s.must(createEntryOp(fdbKeyOf(s.v10, hostB), aEnum("SAI_FDB_ENTRY_ATTR_TYPE", fdbStatic), aOID("SAI_FDB_ENTRY_ATTR_BRIDGE_PORT_ID", s.bp4)))
	s.inject("Ethernet0", l2Frame(bcast, hostB, 0))
	s.out()
	s.clock.Advance(time.Hour)
	s.sw.AgeFDB()
	s.inject("Ethernet0", l2Frame(hostB, hostA, 0))
	if got := s.out(); len(got["Ethernet4"]) != 1 || len(got) != 1 {
		t.Fatalf("static entry: frames went to %v, want Ethernet4", ports(got))
	}
}

func TestLAGHashingAndNoReturn(t *testing.T) {
	ts := newTestSwitch(t, testConfig(4))
	ts.up("Ethernet0", "Ethernet4", "Ethernet8", "Ethernet12")
	v := ts.vlan(10)
	lagOID := ts.lag("Ethernet8", "Ethernet12")
	lagBP := ts.bridgePort(lagOID)
	ts.member(v, lagBP, false)
	ts.access("Ethernet0", v, 10)
	ts.access("Ethernet4", v, 10)

	// Flood from Ethernet0 reaches exactly one LAG member.
	used := map[string]int{}
	for i := 0; i < 64; i++ {
		ts.inject("Ethernet0", l2Frame(bcast, "00:00:00:aa:00:"+hex2(byte(i)), 0))
		got := ts.out()
		n := len(got["Ethernet8"]) + len(got["Ethernet12"])
		if n != 1 || len(got["Ethernet4"]) != 1 {
			t.Fatalf("flood %d: %v, want one LAG member and Ethernet4", i, ports(got))
		}
		for p := range got {
			used[p]++
		}
	}
	if used["Ethernet8"] == 0 || used["Ethernet12"] == 0 {
		t.Errorf("hash used one member only: %v", used)
	}
	// A frame entering on a LAG member is never sent back into the LAG.
	ts.inject("Ethernet8", l2Frame(bcast, hostB, 0))
	got := ts.out()
	if len(got["Ethernet8"])+len(got["Ethernet12"]) != 0 || len(got["Ethernet0"]) != 1 || len(got["Ethernet4"]) != 1 {
		t.Fatalf("flood from the LAG: %v", ports(got))
	}
	// hostB was learned on the LAG's bridge port; traffic to it uses a member.
	ts.inject("Ethernet0", l2Frame(hostB, hostA, 0))
	got = ts.out()
	if len(got["Ethernet8"])+len(got["Ethernet12"]) != 1 || len(got) != 1 {
		t.Fatalf("unicast to the LAG: %v", ports(got))
	}
	// One member down: everything goes to the other.
	if err := ts.sw.SetLink("Ethernet8", false); err != nil {
		t.Fatal(err)
	}
	ts.inject("Ethernet0", l2Frame(bcast, hostA, 0))
	got = ts.out()
	if len(got["Ethernet12"]) != 1 || len(got["Ethernet8"]) != 0 {
		t.Fatalf("member down: %v", ports(got))
	}
}

func hex2(b byte) string {
	const h = "0123456789abcdef"
	return string([]byte{h[b>>4], h[b&0xf]})
}

// TestIsolationGroupSplitHorizon: frames from the peer link (bridge port
// with ISOLATION_GROUP) never leave by the VLT LAGs in the group; other
// ports still get them, and frames from elsewhere reach the VLT LAGs.
func TestIsolationGroupSplitHorizon(t *testing.T) {
	ts := newTestSwitch(t, testConfig(4))
	ts.up("Ethernet0", "Ethernet4", "Ethernet8", "Ethernet12")
	v := ts.vlan(10)
	peerLink := ts.lag("Ethernet4")
	vltLAG := ts.lag("Ethernet8")
	peerBP, vltBP := ts.bridgePort(peerLink), ts.bridgePort(vltLAG)
	ts.member(v, peerBP, true)
	ts.member(v, vltBP, true)
	ts.access("Ethernet0", v, 10)  // orphan port
	ts.access("Ethernet12", v, 10) // orphan port
	g := ts.create(tIsoGroup, aEnum("SAI_ISOLATION_GROUP_ATTR_TYPE", isoTypeBridgePort))
	ts.create(tIsoMember, aOID("SAI_ISOLATION_GROUP_MEMBER_ATTR_ISOLATION_GROUP_ID", g), aOID("SAI_ISOLATION_GROUP_MEMBER_ATTR_ISOLATION_OBJECT", vltBP))
	ts.must(setOp(oidKey(tBridgePt, peerBP), aOID("SAI_BRIDGE_PORT_ATTR_ISOLATION_GROUP", g)))

	tests := []struct {
		name string
		in   string
		fr   []byte
		want []string
		iso  uint64
	}{
		{"flood from the peer link skips the VLT LAG", "Ethernet4", l2Frame(bcast, hostA, 10), []string{"Ethernet0", "Ethernet12"}, 1},
		{"flood from an orphan port reaches the VLT LAG and the peer link", "Ethernet0", l2Frame(bcast, hostB, 0), []string{"Ethernet12", "Ethernet4", "Ethernet8"}, 0},
		{"flood from the VLT LAG reaches the peer link", "Ethernet8", l2Frame(bcast, hostC, 10), []string{"Ethernet0", "Ethernet12", "Ethernet4"}, 0},
		{"known unicast from the peer link to a MAC behind the VLT LAG is dropped", "Ethernet4", l2Frame(hostC, hostA, 10), nil, 1},
		{"known unicast from the peer link to an orphan is forwarded", "Ethernet4", l2Frame(hostB, hostA, 10), []string{"Ethernet0"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := ts.sw.Stage("dropped_isolation")
			ts.inject(tc.in, tc.fr)
			got := ports(ts.out())
			if len(got) != len(tc.want) {
				t.Fatalf("egress %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("egress %v, want %v", got, tc.want)
				}
			}
			if d := ts.sw.Stage("dropped_isolation") - before; d != tc.iso {
				t.Errorf("dropped_isolation +%d, want +%d", d, tc.iso)
			}
		})
	}
}
