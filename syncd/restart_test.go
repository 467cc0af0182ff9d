package syncd

import (
	"context"
	"testing"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

func TestBadInput(t *testing.T) {
	e := newEnv(t)
	f := newFakeHal("s1", 0x1000)
	f.myMacCap = 2
	serveFake(t, e.halSock, f)
	e.startSyncd()
	e.initSwitch()
	vlan := e.newVID(halv1.ObjectType_OBJECT_TYPE_VLAN)
	ghost := formatOID(makeVID(halv1.ObjectType_OBJECT_TYPE_VLAN, 999999))
	bp := e.newVID(halv1.ObjectType_OBJECT_TYPE_VLAN_MEMBER)
	mm := []string{e.newVID(halv1.ObjectType_OBJECT_TYPE_MY_MAC), e.newVID(halv1.ObjectType_OBJECT_TYPE_MY_MAC), e.newVID(halv1.ObjectType_OBJECT_TYPE_MY_MAC)}
	good := e.newVID(halv1.ObjectType_OBJECT_TYPE_VLAN)
	r := e.call(
		Item{Key: "SAI_OBJECT_TYPE_FOO:oid:0x1", Op: opCreate, Fields: fv("X", "1")},
		Item{Key: "SAI_OBJECT_TYPE_VLAN:" + vlan, Op: opCreate, Fields: fv("SAI_VLAN_ATTR_COLOUR", "blue")},
		Item{Key: "SAI_OBJECT_TYPE_VLAN:" + vlan, Op: opCreate, Fields: fv("SAI_VLAN_ATTR_VLAN_ID", "ten")},
		Item{Key: "SAI_OBJECT_TYPE_VLAN_MEMBER:" + bp, Op: opCreate, Fields: fv("SAI_VLAN_MEMBER_ATTR_VLAN_ID", ghost,
			"SAI_VLAN_MEMBER_ATTR_BRIDGE_PORT_ID", ghost)},
		Item{Key: "SAI_OBJECT_TYPE_MY_MAC:3", Op: opBulkCreate, Fields: fv(mm[0], myMacAttrs(1, 10), mm[1], myMacAttrs(2, 10), mm[2], myMacAttrs(3, 10))},
		Item{Key: "SAI_OBJECT_TYPE_VLAN:" + vlan, Op: opCreate},
		Item{Key: "SAI_OBJECT_TYPE_VLAN:" + good, Op: opCreate, Fields: fv("SAI_VLAN_ATTR_VLAN_ID", "20")},
	)
	want := []string{"SAI_STATUS_INVALID_OBJECT_TYPE", "SAI_STATUS_INVALID_ATTRIBUTE", "SAI_STATUS_INVALID_ATTR_VALUE",
		"SAI_STATUS_INVALID_OBJECT_ID", "SAI_STATUS_FAILURE", "SAI_STATUS_MANDATORY_ATTRIBUTE_MISSING", "SAI_STATUS_SUCCESS"}
	for i, w := range want {
		if r[i].Key != w {
			t.Errorf("reply %d = %s, want %s", i, r[i].Key, w)
		}
	}
	if f := r[4].Fields; len(f) != 3 || f[0].Field != "SAI_STATUS_SUCCESS" || f[2].Field != "SAI_STATUS_TABLE_FULL" {
		t.Fatalf("bulk statuses %+v", f)
	}
	for _, k := range []string{"SAI_OBJECT_TYPE_VLAN:" + vlan, "SAI_OBJECT_TYPE_VLAN_MEMBER:" + bp, "SAI_OBJECT_TYPE_MY_MAC:" + mm[2]} {
		if e.asic.Exists(context.Background(), asicStatePrefix+k).Val() != 0 || e.asic.HExists(context.Background(), keyVIDToRID, k[strings_Index(k):]).Val() {
			t.Errorf("%s shows in ASIC_DB after a refusal", k)
		}
	}
	if e.asic.Exists(context.Background(), asicStatePrefix+"SAI_OBJECT_TYPE_VLAN:"+good).Val() != 1 {
		t.Fatal("queue stopped flowing after bad input")
	}
}

func strings_Index(k string) int {
	for i := 0; i < len(k); i++ {
		if k[i] == ':' {
			return i + 1
		}
	}
	return 0
}

// populate creates a small config: VLAN, RIF on it, 3 MY_MACs, a route.
func populate(e *env) (vlan, rif string, mm []string) {
	e.t.Helper()
	e.initSwitch()
	vr := e.switchAttr("SAI_SWITCH_ATTR_DEFAULT_VIRTUAL_ROUTER_ID")
	vlan = e.newVID(halv1.ObjectType_OBJECT_TYPE_VLAN)
	rif = e.newVID(halv1.ObjectType_OBJECT_TYPE_ROUTER_INTERFACE)
	for i := 0; i < 3; i++ {
		mm = append(mm, e.newVID(halv1.ObjectType_OBJECT_TYPE_MY_MAC))
	}
	r := e.call(
		Item{Key: "SAI_OBJECT_TYPE_VLAN:" + vlan, Op: opCreate, Fields: fv("SAI_VLAN_ATTR_VLAN_ID", "10")},
		Item{Key: "SAI_OBJECT_TYPE_ROUTER_INTERFACE:" + rif, Op: opCreate, Fields: fv(
			"SAI_ROUTER_INTERFACE_ATTR_VIRTUAL_ROUTER_ID", vr, "SAI_ROUTER_INTERFACE_ATTR_TYPE", "SAI_ROUTER_INTERFACE_TYPE_VLAN",
			"SAI_ROUTER_INTERFACE_ATTR_VLAN_ID", vlan)},
		Item{Key: "SAI_OBJECT_TYPE_MY_MAC:3", Op: opBulkCreate, Fields: fv(mm[0], myMacAttrs(1, 10), mm[1], myMacAttrs(2, 10), mm[2], myMacAttrs(3, 10))},
		Item{Key: `SAI_OBJECT_TYPE_ROUTE_ENTRY:{"dest":"10.1.0.0/16","switch_id":"` + switchVID + `","vr":"` + vr + `"}`, Op: opCreate,
			Fields: fv("SAI_ROUTE_ENTRY_ATTR_PACKET_ACTION", "SAI_PACKET_ACTION_DROP")},
	)
	for i, x := range r {
		if x.Key != "SAI_STATUS_SUCCESS" {
			e.t.Fatalf("populate reply %d: %+v", i, x)
		}
	}
	return vlan, rif, mm
}

func TestSyncdRestartKeepsPlatform(t *testing.T) {
	e := newEnv(t)
	f := newFakeHal("s1", 0x1000)
	serveFake(t, e.halSock, f)
	e.startSyncd()
	vlan, rif, _ := populate(e)
	before := e.hash(keyVIDToRID)
	creates, removes := f.opCount(halv1.Op_KIND_CREATE), f.opCount(halv1.Op_KIND_REMOVE)

	e.stopSyncd()
	e.startSyncd()

	if c, r := f.opCount(halv1.Op_KIND_CREATE), f.opCount(halv1.Op_KIND_REMOVE); c != creates || r != removes {
		t.Fatalf("restart touched the platform: creates %d→%d removes %d→%d", creates, c, removes, r)
	}
	after := e.hash(keyVIDToRID)
	if len(after) != len(before) {
		t.Fatalf("maps changed: %d → %d", len(before), len(after))
	}
	for v, r := range before {
		if after[v] != r {
			t.Fatalf("VID %s: %s → %s", v, r, after[v])
		}
	}
	// The rebuilt maps work: remove the RIF then the VLAN by their old VIDs.
	r := e.call(Item{Key: "SAI_OBJECT_TYPE_ROUTER_INTERFACE:" + rif, Op: opRemove}, Item{Key: "SAI_OBJECT_TYPE_VLAN:" + vlan, Op: opRemove})
	if r[0].Key != "SAI_STATUS_SUCCESS" || r[1].Key != "SAI_STATUS_SUCCESS" {
		t.Fatalf("removes after restart: %+v", r)
	}
}

func TestPlatformRestartReplays(t *testing.T) {
	e := newEnv(t)
	f1 := newFakeHal("s1", 0x1000)
	stop1 := serveFake(t, e.halSock, f1)
	e.startSyncd()
	vlan, rif, mm := populate(e)
	oldRID := e.asic.HGet(context.Background(), keyVIDToRID, vlan).Val()

	stop1()
	f2 := newFakeHal("s2", 0x5000) // empty, other RIDs
	serveFake(t, e.halSock, f2)

	// The next op waits for the replay and then lands on the new platform.
	mm4 := e.newVID(halv1.ObjectType_OBJECT_TYPE_MY_MAC)
	r := e.call(Item{Key: "SAI_OBJECT_TYPE_MY_MAC:" + mm4, Op: opCreate, Fields: splitJoined(myMacAttrs(4, 10))})
	if r[0].Key != "SAI_STATUS_SUCCESS" {
		t.Fatalf("create after platform restart: %+v", r[0])
	}
	f2.mu.Lock()
	nMyMac, nVlan, nRif, nRoute := f2.count(halv1.ObjectType_OBJECT_TYPE_MY_MAC), f2.count(halv1.ObjectType_OBJECT_TYPE_VLAN),
		f2.count(halv1.ObjectType_OBJECT_TYPE_ROUTER_INTERFACE), f2.count(halv1.ObjectType_OBJECT_TYPE_ROUTE_ENTRY)
	f2.mu.Unlock()
	if nMyMac != 4 || nVlan != 2 || nRif != 1 || nRoute != 1 {
		t.Fatalf("new platform holds MY_MAC %d VLAN %d RIF %d ROUTE %d", nMyMac, nVlan, nRif, nRoute)
	}
	newRID := e.asic.HGet(context.Background(), keyVIDToRID, vlan).Val()
	if newRID == "" || newRID == oldRID {
		t.Fatalf("VLAN RID %s → %s", oldRID, newRID)
	}
	rid, _ := parseOID(newRID)
	f2.mu.Lock()
	ok := f2.exists(rid)
	f2.mu.Unlock()
	if !ok {
		t.Fatal("map names a RID the new platform does not hold")
	}
	if e.asic.HGet(context.Background(), keySyncdSession, "session_id").Val() != "s2" {
		t.Fatal("session not recorded")
	}
	for _, k := range []string{"SAI_OBJECT_TYPE_ROUTER_INTERFACE:" + rif, "SAI_OBJECT_TYPE_MY_MAC:" + mm[0], "SAI_OBJECT_TYPE_MY_MAC:" + mm4} {
		if e.asic.Exists(context.Background(), asicStatePrefix+k).Val() != 1 {
			t.Fatalf("%s missing from ASIC_DB", k)
		}
	}
}

func TestOrchagentRestartAppliesDifference(t *testing.T) {
	e := newEnv(t)
	f := newFakeHal("s1", 0x1000)
	serveFake(t, e.halSock, f)
	e.startSyncd()
	vlan, rif, mm := populate(e)
	creates, removes, sets := f.opCount(halv1.Op_KIND_CREATE), f.opCount(halv1.Op_KIND_REMOVE), f.opCount(halv1.Op_KIND_SET)

	// orchagent restarts: INIT_VIEW, the same intent with new VIDs except
	// that MY_MAC 3 is gone and MY_MAC 5 is new, APPLY_VIEW.
	r := e.call(Item{Key: notifyInitView, Op: opNotify})
	if r[0].Key != "SAI_STATUS_SUCCESS" || r[0].Op != opNotify {
		t.Fatalf("INIT_VIEW: %+v", r[0])
	}
	e.initSwitch()
	vr := e.switchAttr("SAI_SWITCH_ATTR_DEFAULT_VIRTUAL_ROUTER_ID")
	vlan2 := e.newVID(halv1.ObjectType_OBJECT_TYPE_VLAN)
	rif2 := e.newVID(halv1.ObjectType_OBJECT_TYPE_ROUTER_INTERFACE)
	mm2 := []string{e.newVID(halv1.ObjectType_OBJECT_TYPE_MY_MAC), e.newVID(halv1.ObjectType_OBJECT_TYPE_MY_MAC), e.newVID(halv1.ObjectType_OBJECT_TYPE_MY_MAC)}
	r = e.call(
		Item{Key: "SAI_OBJECT_TYPE_VLAN:" + vlan2, Op: opCreate, Fields: fv("SAI_VLAN_ATTR_VLAN_ID", "10")},
		Item{Key: "SAI_OBJECT_TYPE_ROUTER_INTERFACE:" + rif2, Op: opCreate, Fields: fv(
			"SAI_ROUTER_INTERFACE_ATTR_VIRTUAL_ROUTER_ID", vr, "SAI_ROUTER_INTERFACE_ATTR_TYPE", "SAI_ROUTER_INTERFACE_TYPE_VLAN",
			"SAI_ROUTER_INTERFACE_ATTR_VLAN_ID", vlan2)},
		Item{Key: "SAI_OBJECT_TYPE_MY_MAC:3", Op: opBulkCreate, Fields: fv(mm2[0], myMacAttrs(1, 10), mm2[1], myMacAttrs(2, 10), mm2[2], myMacAttrs(5, 10))},
		Item{Key: `SAI_OBJECT_TYPE_ROUTE_ENTRY:{"dest":"10.1.0.0/16","switch_id":"` + switchVID + `","vr":"` + vr + `"}`, Op: opCreate,
			Fields: fv("SAI_ROUTE_ENTRY_ATTR_PACKET_ACTION", "SAI_PACKET_ACTION_DROP")},
		Item{Key: notifyApplyView, Op: opNotify},
	)
	for i, x := range r {
		if x.Key != "SAI_STATUS_SUCCESS" {
			t.Fatalf("reply %d: %+v", i, x)
		}
	}
	dc, dr, ds := f.opCount(halv1.Op_KIND_CREATE)-creates, f.opCount(halv1.Op_KIND_REMOVE)-removes, f.opCount(halv1.Op_KIND_SET)-sets
	if dc != 1 || dr != 1 || ds != 0 {
		t.Fatalf("APPLY_VIEW did creates %d removes %d sets %d, want 1 1 0", dc, dr, ds)
	}
	// ASIC_DB names the new VIDs only.
	for _, old := range []string{vlan, rif, mm[0], mm[2]} {
		if e.asic.HExists(context.Background(), keyVIDToRID, old).Val() {
			t.Errorf("old VID %s still mapped", old)
		}
	}
	for _, k := range []string{"SAI_OBJECT_TYPE_VLAN:" + vlan2, "SAI_OBJECT_TYPE_ROUTER_INTERFACE:" + rif2, "SAI_OBJECT_TYPE_MY_MAC:" + mm2[2]} {
		if e.asic.Exists(context.Background(), asicStatePrefix+k).Val() != 1 {
			t.Errorf("%s missing from ASIC_DB", k)
		}
	}
	if h := e.hash("ASIC_STATE:SAI_OBJECT_TYPE_ROUTER_INTERFACE:" + rif2); h["SAI_ROUTER_INTERFACE_ATTR_VLAN_ID"] != vlan2 {
		t.Errorf("RIF hash %v", h)
	}
	if e.asic.Exists(context.Background(), asicStatePrefix+"SAI_OBJECT_TYPE_VLAN:"+vlan).Val() != 0 {
		t.Error("old VLAN hash left")
	}
	// The new VIDs work against the platform.
	r = e.call(Item{Key: "SAI_OBJECT_TYPE_ROUTER_INTERFACE:" + rif2, Op: opRemove})
	if r[0].Key != "SAI_STATUS_SUCCESS" {
		t.Fatalf("remove by new VID: %+v", r[0])
	}
}
