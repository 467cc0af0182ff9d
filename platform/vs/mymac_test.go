package vs

import (
	"testing"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// TestMyMACMatching: VLAN 0 = any VLAN, PORT_ID restricts to a port or
// LAG, a mask matches a range, and removal stops the routing at once.
func TestMyMACMatching(t *testing.T) {
	s := newL3Switch(t)
	type probe struct {
		in     string
		vid    uint16
		dst    string
		routed bool
	}
	create := func(t *testing.T, attrs ...*halv1.Attribute) uint64 {
		t.Helper()
		r := s.do(createOp(tMyMAC, attrs...))
		if r.GetStatus() != halv1.Status_STATUS_SUCCESS {
			t.Fatalf("create MY_MAC: %v %s", r.GetStatus(), r.GetMessage())
		}
		return r.GetOid()
	}
	remove := func(t *testing.T, oid uint64) {
		t.Helper()
		if r := s.do(removeOp(oidKey(tMyMAC, oid))); r.GetStatus() != halv1.Status_STATUS_SUCCESS {
			t.Fatalf("remove MY_MAC: %v", r)
		}
	}
	run := func(t *testing.T, probes []probe) {
		t.Helper()
		for _, p := range probes {
			routedBefore := s.sw.Stage("routed_my_mac")
			s.inject(p.in, ipv4Frame(p.dst, macVM1, p.vid, "10.10.0.100", "10.20.0.50", 64))
			s.out()
			if got := s.sw.Stage("routed_my_mac") > routedBefore; got != p.routed {
				t.Errorf("%s vlan %d to %s: routed via MY_MAC %v, want %v", p.in, p.vid, p.dst, got, p.routed)
			}
		}
	}

	t.Run("VLAN 0 matches every VLAN", func(t *testing.T) {
		oid := create(t, aMAC("SAI_MY_MAC_ATTR_MAC_ADDRESS", "00:01:e8:00:00:99"))
		run(t, []probe{{"Ethernet0", 0, "00:01:e8:00:00:99", true}, {"Ethernet8", 20, "00:01:e8:00:00:99", true}})
		remove(t, oid)
		run(t, []probe{{"Ethernet0", 0, "00:01:e8:00:00:99", false}})
	})
	t.Run("PORT_ID restricts to one port", func(t *testing.T) {
		oid := create(t, aMAC("SAI_MY_MAC_ATTR_MAC_ADDRESS", "00:01:e8:00:00:98"), aU32("SAI_MY_MAC_ATTR_VLAN_ID", 10),
			aOID("SAI_MY_MAC_ATTR_PORT_ID", s.port("Ethernet8")))
		run(t, []probe{{"Ethernet8", 10, "00:01:e8:00:00:98", true}, {"Ethernet0", 0, "00:01:e8:00:00:98", false}})
		remove(t, oid)
	})
	t.Run("a mask matches a range of MACs", func(t *testing.T) {
		mask := aMAC("SAI_MY_MAC_ATTR_MAC_ADDRESS_MASK", "ff:ff:ff:ff:00:00")
		oid := create(t, aMAC("SAI_MY_MAC_ATTR_MAC_ADDRESS", "00:01:e8:77:00:00"), mask, aU32("SAI_MY_MAC_ATTR_VLAN_ID", 10))
		// Same masked value, another MAC: not a duplicate (only the exact tuple is).
		create(t, aMAC("SAI_MY_MAC_ATTR_MAC_ADDRESS", "00:01:e8:77:12:34"), mask, aU32("SAI_MY_MAC_ATTR_VLAN_ID", 10))
		run(t, []probe{{"Ethernet0", 0, "00:01:e8:77:ab:cd", true}, {"Ethernet0", 0, "00:01:e8:78:ab:cd", false}})
		remove(t, oid)
		run(t, []probe{{"Ethernet0", 0, "00:01:e8:77:ab:cd", true}}) // the second entry still covers it
	})
}

// TestFDBFlushOnLinkDown: learned entries behind a port that goes down are
// flushed (FLUSHED events); static ones stay.
func TestFDBFlushOnLinkDown(t *testing.T) {
	s := newL2Switch(t)
	sub, cancel := s.sw.events.subscribe()
	defer cancel()
	s.inject("Ethernet4", l2Frame(bcast, hostB, 0))
	s.must(createEntryOp(fdbKeyOf(s.v10, hostC), aEnum("SAI_FDB_ENTRY_ATTR_TYPE", fdbStatic), aOID("SAI_FDB_ENTRY_ATTR_BRIDGE_PORT_ID", s.bp4)))
	s.out()
	sub.take()
	if err := s.sw.SetLink("Ethernet4", false); err != nil {
		t.Fatal(err)
	}
	var flushed, oper int
	for _, ev := range sub.take() {
		if f := ev.GetFdb(); f != nil && f.GetKind() == halv1.FdbEvent_KIND_FLUSHED && f.GetBridgePortId() == s.bp4 {
			flushed++
		}
		if o := ev.GetPortOperStatus(); o != nil && !o.GetUp() {
			oper++
		}
	}
	if flushed != 1 || oper != 1 {
		t.Fatalf("flushed %d, oper-down events %d; want 1 and 1", flushed, oper)
	}
	if r := s.sw.Get(fdbKeyOf(s.v10, hostB)); r.GetStatus() != halv1.Status_STATUS_ITEM_NOT_FOUND {
		t.Errorf("learned entry survived the link going down")
	}
	if r := s.sw.Get(fdbKeyOf(s.v10, hostC)); r.GetStatus() != halv1.Status_STATUS_SUCCESS {
		t.Errorf("static entry flushed")
	}
	// Removing a VLAN member flushes what was learned through it; a
	// dynamic entry does not keep the bridge port in use.
	s.inject("Ethernet0", l2Frame(bcast, hostA, 0))
	s.out()
	if r := s.sw.Get(fdbKeyOf(s.v10, hostA)); r.GetStatus() != halv1.Status_STATUS_SUCCESS {
		t.Fatalf("hostA not learned")
	}
	var member uint64
	for _, o := range mustList(t, s.sw, tVLANMem) {
		for _, a := range o.GetAttrs() {
			if a.GetId() == "SAI_VLAN_MEMBER_ATTR_BRIDGE_PORT_ID" && a.GetOid() == s.bp0 {
				member = o.GetKey().GetOid()
			}
		}
	}
	s.must(removeOp(oidKey(tVLANMem, member)))
	s.must(removeOp(oidKey(tBridgePt, s.bp0)))
	if r := s.sw.Get(fdbKeyOf(s.v10, hostA)); r.GetStatus() != halv1.Status_STATUS_ITEM_NOT_FOUND {
		t.Errorf("entry learned through a removed member survived")
	}
}

func mustList(t *testing.T, sw *Switch, tp halv1.ObjectType) []*halv1.Object {
	t.Helper()
	objs, err := sw.List(tp)
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

// TestFDBActionAndCreateOverLearned: a static entry with DROP drops; a
// create over a learned entry takes it over.
func TestFDBActionAndCreateOverLearned(t *testing.T) {
	s := newL2Switch(t)
	s.inject("Ethernet4", l2Frame(bcast, hostB, 0))
	s.out()
	s.must(createEntryOp(fdbKeyOf(s.v10, hostB), aEnum("SAI_FDB_ENTRY_ATTR_TYPE", fdbStatic), aOID("SAI_FDB_ENTRY_ATTR_BRIDGE_PORT_ID", s.bp4),
		aEnum("SAI_FDB_ENTRY_ATTR_PACKET_ACTION", actDrop)))
	s.inject("Ethernet0", l2Frame(hostB, hostA, 0))
	if got := s.out(); len(got) != 0 || s.sw.Stage("dropped_fdb_action") != 1 {
		t.Fatalf("DROP entry: egress %v, dropped_fdb_action %d", ports(got), s.sw.Stage("dropped_fdb_action"))
	}
	// The entry now belongs to the HAL: removing the bridge port is refused.
	if r := s.do(removeOp(oidKey(tBridgePt, s.bp4))); r.GetStatus() != halv1.Status_STATUS_OBJECT_IN_USE {
		t.Fatalf("bridge port with a static entry removed: %v", r)
	}
}
