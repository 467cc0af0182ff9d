package syncd

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// populateVS creates the switch and the default topo.
func populateVS(e *env) *topo {
	e.t.Helper()
	e.initSwitch()
	tp := e.topoVIDs()
	e.mustSucceed("populate", e.call(tp.items(defaultTopo())...))
	return tp
}

// asicSnapshot is every ASIC_STATE row plus the maps.
func (e *env) asicSnapshot() map[string]map[string]string {
	e.t.Helper()
	out := map[string]map[string]string{}
	for _, k := range append(e.asicKeys(), keyVIDToRID, keyRIDToVID) {
		out[k] = e.hash(k)
	}
	return out
}

func diffSnapshots(a, b map[string]map[string]string) []string {
	var d []string
	for k, va := range a {
		if vb, ok := b[k]; !ok {
			d = append(d, "-"+k)
		} else if fmt.Sprint(va) != fmt.Sprint(vb) {
			d = append(d, fmt.Sprintf("~%s %v → %v", k, va, vb))
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			d = append(d, "+"+k)
		}
	}
	return d
}

// TestVSSyncdRestart: syncd stops and starts again while the platform keeps
// running; the maps come back from ASIC_DB, the platform gets no write at
// all, items queued meanwhile are applied, and the old VIDs keep working.
func TestVSSyncdRestart(t *testing.T) {
	e := newEnv(t)
	p := startVS(t, e.halSock, vsConfig(4, 0))
	e.startSyncd()
	tp := populateVS(e)
	before := e.asicSnapshot()
	p.mu.Lock()
	writes := p.writes
	p.mu.Unlock()

	e.stopSyncd()
	// orchagent keeps writing while syncd is down.
	v50 := e.newVID(halv1.ObjectType_OBJECT_TYPE_VLAN)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := e.producer.Push(ctx, []Item{{Key: "SAI_OBJECT_TYPE_VLAN:" + v50, Op: opCreate, Fields: fv("SAI_VLAN_ATTR_VLAN_ID", "50")}}); err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	writesDown := p.writes
	p.mu.Unlock()
	e.startSyncd()
	r, err := e.replies.Pop(ctx)
	if err != nil || len(r) != 1 || r[0].Key != "SAI_STATUS_SUCCESS" {
		t.Fatalf("item queued while syncd was down: %+v %v", r, err)
	}
	p.mu.Lock()
	restartWrites := p.writes - writesDown
	p.mu.Unlock()
	c, rm, s := p.opCounts()
	if writesDown != writes || restartWrites != 1 {
		t.Fatalf("HAL writes: %d before, %d after stop, %d after restart (want only the queued item's)", writes, writesDown, restartWrites)
	}
	after := e.asicSnapshot()
	delete(after, asicStatePrefix+"SAI_OBJECT_TYPE_VLAN:"+v50)
	delete(after[keyVIDToRID], v50)
	delete(after[keyRIDToVID], formatOID(e.rid(v50)))
	if d := diffSnapshots(before, after); len(d) > 0 {
		t.Fatalf("ASIC_DB changed across the restart: %v", d)
	}

	// The rebuilt maps work: remove by the old VIDs.
	e.mustSucceed("removes", e.call(
		Item{Key: "SAI_OBJECT_TYPE_FDB_ENTRY:" + tp.fdb, Op: opRemove},
		Item{Key: "SAI_OBJECT_TYPE_VLAN_MEMBER:" + tp.member, Op: opRemove},
		Item{Key: "SAI_OBJECT_TYPE_ROUTER_INTERFACE:" + tp.rif, Op: opRemove},
	))
	if c2, rm2, s2 := p.opCounts(); c2 != c || rm2 != rm+3 || s2 != s {
		t.Fatalf("ops after removes: creates %d→%d removes %d→%d sets %d→%d", c, c2, rm, rm2, s, s2)
	}
	if n := len(p.list(t, halv1.ObjectType_OBJECT_TYPE_ROUTER_INTERFACE)); n != 0 {
		t.Fatalf("platform RIFs %d after remove", n)
	}
}

// platformMatchesASICDB checks that every mapped VID names an object the
// platform holds with the ASIC_DB row's attributes, and that the platform
// holds nothing else.
func platformMatchesASICDB(t *testing.T, e *env, p *vsPlatform) {
	t.Helper()
	v2r := e.hash(keyVIDToRID)
	r2v := map[string]string{}
	for v, r := range v2r {
		r2v[r] = v
	}
	objs := p.list(t, halv1.ObjectType_OBJECT_TYPE_UNSPECIFIED)
	held := map[string]bool{}
	for _, o := range objs {
		k := o.GetKey()
		if isEntryType(k.GetType()) {
			vk, err := mapKey(k, func(r uint64) (uint64, bool) {
				v, err := parseOID(r2v[formatOID(r)])
				return v, err == nil
			})
			if err != nil {
				t.Fatalf("platform entry %v names an unmapped object: %v", k, err)
			}
			id, _ := formatObjectID(vk)
			held[typeName(k.GetType())+":"+id] = true
			continue
		}
		vid, ok := r2v[formatOID(k.GetOid())]
		if !ok {
			t.Fatalf("platform object %s %s has no VID", typeName(k.GetType()), formatOID(k.GetOid()))
		}
		held[typeName(k.GetType())+":"+vid] = true
		row := e.hash(asicStatePrefix + typeName(k.GetType()) + ":" + vid)
		for _, a := range o.GetAttrs() {
			f, v, err := formatAttr(k.GetType(), a)
			if err != nil || readOnly(k.GetType(), f) || f == attrInitSwitch {
				continue
			}
			if a.GetOid() != 0 {
				v = r2v[v]
			}
			if rv, ok := row[f]; ok && rv != v {
				t.Errorf("%s:%s %s: ASIC_DB %s, platform %s", typeName(k.GetType()), vid, f, rv, v)
			}
		}
	}
	for _, k := range e.asicKeys() {
		if !held[strings.TrimPrefix(k, asicStatePrefix)] {
			t.Errorf("%s in ASIC_DB, not on the platform", k)
		}
	}
	if len(held) != len(e.asicKeys()) {
		t.Errorf("platform holds %d objects, ASIC_DB %d", len(held), len(e.asicKeys()))
	}
}

// TestVSPlatformRestart: the platform restarts empty (a new vs instance: new
// session; it allocates the same ids again, so an old id reaching it would
// silently name another object). syncd replays ASIC_DB with fresh RIDs and
// the next item lands after the replay.
func TestVSPlatformRestart(t *testing.T) {
	e := newEnv(t)
	p1 := startVS(t, e.halSock, vsConfig(4, 0))
	e.startSyncd()
	tp := populateVS(e)
	platformMatchesASICDB(t, e, p1)
	oldVLAN := e.rid(tp.vlan)
	before := e.asicKeys()

	for round := 0; round < 3; round++ {
		p1.stop()
		p2 := startVS(t, e.halSock, vsConfig(4, 0))
		mm := e.newVID(halv1.ObjectType_OBJECT_TYPE_MY_MAC)
		e.mustSucceed("create after platform restart", e.call(Item{Key: "SAI_OBJECT_TYPE_MY_MAC:" + mm, Op: opCreate, Fields: splitJoined(myMacAttrs(10+round, 0))}))
		if got := e.asic.HGet(context.Background(), keySyncdSession, "session_id").Val(); got != p2.sw.Session() {
			t.Fatalf("round %d: session %s recorded, platform %s", round, got, p2.sw.Session())
		}
		if n := len(p2.list(t, halv1.ObjectType_OBJECT_TYPE_MY_MAC)); n != 4+round {
			t.Fatalf("round %d: new platform holds %d MY_MACs, want %d", round, n, 4+round)
		}
		platformMatchesASICDB(t, e, p2)
		if v := p2.attr(t, halv1.ObjectType_OBJECT_TYPE_PORT, e.rid(tp.ports[1]), "SAI_PORT_ATTR_ADMIN_STATE"); v != "true" {
			t.Fatalf("round %d: port admin state not replayed: %s", round, v)
		}
		if v := p2.attr(t, halv1.ObjectType_OBJECT_TYPE_ROUTER_INTERFACE, e.rid(tp.rif), "SAI_ROUTER_INTERFACE_ATTR_VLAN_ID"); v != formatOID(e.rid(tp.vlan)) {
			t.Fatalf("round %d: RIF VLAN_ID %s, want %s", round, v, formatOID(e.rid(tp.vlan)))
		}
		p1 = p2
	}
	if e.rid(tp.vlan) == oldVLAN {
		t.Log("VLAN got the same RID again (the platform allocates deterministically)")
	}
	after := e.asicKeys()
	if len(after) != len(before)+3 {
		t.Fatalf("ASIC_DB keys %d → %d", len(before), len(after))
	}
	if st := e.state.HGet(context.Background(), StatsKey, "platform_replays").Val(); st != "3" {
		t.Fatalf("platform_replays %s", st)
	}
}

// TestVSOrchagentRestart: INIT_VIEW, the intent replayed with new VIDs and
// some changes, APPLY_VIEW. Only the difference reaches the platform: a
// changed settable attribute is one SET on the same object, a changed
// create-only one a remove + create; the platform's own objects keep their
// rows.
func TestVSOrchagentRestart(t *testing.T) {
	e := newEnv(t)
	p := startVS(t, e.halSock, vsConfig(4, 0))
	e.startSyncd()
	tp := populateVS(e)
	rifRID, memberRID, bpRID := e.rid(tp.rif), e.rid(tp.member), e.rid(tp.bp)
	before := e.asicSnapshot()
	c0, r0, s0 := p.opCounts()

	r := e.call(Item{Key: notifyInitView, Op: opNotify})
	if r[0].Key != "SAI_STATUS_SUCCESS" || r[0].Op != opNotify {
		t.Fatalf("INIT_VIEW: %+v", r[0])
	}
	e.initSwitch()
	tp2 := e.topoVIDs()
	o := defaultTopo()
	o.rifMAC = "00:11:22:33:44:99"               // settable: SET
	o.tagging = "SAI_VLAN_TAGGING_MODE_UNTAGGED" // settable: SET
	o.routeAction = "SAI_PACKET_ACTION_FORWARD"  // entry, settable: SET
	o.myMacs = []int{1, 2, 5}                    // create-only: MY_MAC 3 removed, 5 created
	items := append(tp2.items(o), Item{Key: notifyApplyView, Op: opNotify})
	r = e.call(items...)
	e.mustSucceed("view", r)
	if r[len(r)-1].Op != opNotify {
		t.Fatalf("APPLY_VIEW reply %+v", r[len(r)-1])
	}
	c, rm, s := p.opCounts()
	if c-c0 != 1 || rm-r0 != 1 || s-s0 != 3 {
		t.Fatalf("APPLY_VIEW sent creates %d removes %d sets %d, want 1 1 3", c-c0, rm-r0, s-s0)
	}
	// Same platform objects, under the new VIDs, with the new values.
	if e.rid(tp2.rif) != rifRID || e.rid(tp2.member) != memberRID || e.rid(tp2.bp) != bpRID {
		t.Fatal("matched objects were re-created")
	}
	if v := p.attr(t, halv1.ObjectType_OBJECT_TYPE_ROUTER_INTERFACE, rifRID, "SAI_ROUTER_INTERFACE_ATTR_SRC_MAC_ADDRESS"); v != o.rifMAC {
		t.Errorf("platform RIF MAC %s", v)
	}
	if v := p.attr(t, halv1.ObjectType_OBJECT_TYPE_VLAN_MEMBER, memberRID, "SAI_VLAN_MEMBER_ATTR_VLAN_TAGGING_MODE"); v != o.tagging {
		t.Errorf("platform tagging %s", v)
	}
	if h := e.hash(asicStatePrefix + "SAI_OBJECT_TYPE_ROUTE_ENTRY:" + tp2.route); h["SAI_ROUTE_ENTRY_ATTR_PACKET_ACTION"] != o.routeAction {
		t.Errorf("route row %v", h)
	}
	if h := e.hash(asicStatePrefix + "SAI_OBJECT_TYPE_ROUTER_INTERFACE:" + tp2.rif); h["SAI_ROUTER_INTERFACE_ATTR_VLAN_ID"] != tp2.vlan ||
		h["SAI_ROUTER_INTERFACE_ATTR_SRC_MAC_ADDRESS"] != o.rifMAC {
		t.Errorf("RIF row %v", h)
	}
	for _, old := range []string{tp.vlan, tp.rif, tp.bp, tp.member, tp.mm[0], tp.mm[2]} {
		if e.asic.HExists(context.Background(), keyVIDToRID, old).Val() {
			t.Errorf("old VID %s still mapped", old)
		}
		if n := len(e.asic.Keys(context.Background(), asicStatePrefix+"*"+old).Val()); n != 0 {
			t.Errorf("old VID %s still has a row", old)
		}
	}
	// The platform's own objects keep their rows byte for byte (VLAN 1, CPU
	// port, untouched ports, default router, bridge, trap group, switch).
	after := e.asicSnapshot()
	for k, row := range before {
		for _, typ := range []string{"PORT", "VIRTUAL_ROUTER", "BRIDGE", "HOSTIF_TRAP_GROUP", "SWITCH"} {
			if strings.HasPrefix(k, asicStatePrefix+"SAI_OBJECT_TYPE_"+typ+":") && fmt.Sprint(after[k]) != fmt.Sprint(row) {
				t.Errorf("%s: %v → %v", k, row, after[k])
			}
		}
	}
	defVLAN := e.switchAttr("SAI_SWITCH_ATTR_DEFAULT_VLAN_ID")
	if h := e.hash(asicStatePrefix + "SAI_OBJECT_TYPE_VLAN:" + defVLAN); h["SAI_VLAN_ATTR_VLAN_ID"] != "1" {
		t.Errorf("VLAN 1 row %v", h)
	}
	platformMatchesASICDB(t, e, p)

	// The new VIDs work.
	e.mustSucceed("removes by new VIDs", e.call(
		Item{Key: "SAI_OBJECT_TYPE_FDB_ENTRY:" + tp2.fdb, Op: opRemove},
		Item{Key: "SAI_OBJECT_TYPE_VLAN_MEMBER:" + tp2.member, Op: opRemove},
	))
	platformMatchesASICDB(t, e, p)
}

// TestVSInitViewFirst: a fresh syncd gets INIT_VIEW before the switch (as
// SONiC's orchagent sends it). The switch is mapped and discovered at once,
// gets inside the view answer with the platform's objects, and APPLY_VIEW
// creates the view with one HAL op per object.
func TestVSInitViewFirst(t *testing.T) {
	e := newEnv(t)
	p := startVS(t, e.halSock, vsConfig(4, 0))
	e.startSyncd()
	r := e.call(Item{Key: notifyInitView, Op: opNotify})
	if r[0].Key != "SAI_STATUS_SUCCESS" {
		t.Fatalf("INIT_VIEW: %+v", r[0])
	}
	e.initSwitch()
	tp := e.topoVIDs() // gets of the switch's default objects
	items := append(tp.items(defaultTopo()), Item{Key: notifyApplyView, Op: opNotify})
	e.mustSucceed("view", e.call(items...))
	c, rm, _ := p.opCounts()
	if c != 9 || rm != 0 { // VLAN, bridge port, member, RIF, 3 MY_MAC, route, FDB
		t.Fatalf("creates %d removes %d, want 9 0", c, rm)
	}
	if v := p.attr(t, halv1.ObjectType_OBJECT_TYPE_SWITCH, p.sw.SwitchID(), "SAI_SWITCH_ATTR_SRC_MAC_ADDRESS"); v != "00:11:22:33:44:55" {
		t.Errorf("switch MAC %s", v)
	}
	if h := e.hash(asicStatePrefix + "SAI_OBJECT_TYPE_SWITCH:" + switchVID); h["SAI_SWITCH_ATTR_SRC_MAC_ADDRESS"] != "00:11:22:33:44:55" {
		t.Errorf("switch row %v", h)
	}
	keys := e.asicKeys()
	if countType(keys, "SAI_OBJECT_TYPE_PORT") != 5 || countType(keys, "SAI_OBJECT_TYPE_VLAN") != 2 {
		t.Errorf("ASIC_DB keys %v", keys)
	}
	platformMatchesASICDB(t, e, p)
}

// TestVSApplyViewOrdering: the new view moves a route to a new next hop
// (the old one goes: its remove is refused while the route still points at
// it, then retried after the route's SET) and leaves a bridge port's
// ADMIN_STATE out (reset to SAI's default by a SET, not a re-create).
func TestVSApplyViewOrdering(t *testing.T) {
	e := newEnv(t)
	p := startVS(t, e.halSock, vsConfig(4, 0))
	e.startSyncd()
	tp := populateVS(e)
	nh := e.newVID(halv1.ObjectType_OBJECT_TYPE_NEXT_HOP)
	route2 := `{"dest":"10.2.0.0/16","switch_id":"` + switchVID + `","vr":"` + tp.vr + `"}`
	nhItem := func(vid, rif, ip string) Item {
		return Item{Key: "SAI_OBJECT_TYPE_NEXT_HOP:" + vid, Op: opCreate, Fields: fv("SAI_NEXT_HOP_ATTR_TYPE", "SAI_NEXT_HOP_TYPE_IP",
			"SAI_NEXT_HOP_ATTR_IP", ip, "SAI_NEXT_HOP_ATTR_ROUTER_INTERFACE_ID", rif)}
	}
	routeItem := func(nh string) Item {
		return Item{Key: "SAI_OBJECT_TYPE_ROUTE_ENTRY:" + route2, Op: opCreate, Fields: fv("SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID", nh)}
	}
	e.mustSucceed("next hop", e.call(nhItem(nh, tp.rif, "10.0.0.1"), routeItem(nh)))
	bpRID := e.rid(tp.bp)
	c0, r0, s0 := p.opCounts()

	e.mustSucceed("INIT_VIEW", e.call(Item{Key: notifyInitView, Op: opNotify}))
	e.initSwitch()
	tp2 := e.topoVIDs()
	nh2 := e.newVID(halv1.ObjectType_OBJECT_TYPE_NEXT_HOP)
	items := tp2.items(defaultTopo())
	items[1].Fields = items[1].Fields[:2] // bridge port without ADMIN_STATE
	items = append(items, nhItem(nh2, tp2.rif, "10.0.0.2"), routeItem(nh2), Item{Key: notifyApplyView, Op: opNotify})
	e.mustSucceed("view", e.call(items...))

	c, rm, s := p.opCounts()
	// create NH2; remove NH1 twice (refused in use, then done); SET the
	// route's next hop and the bridge port's admin state.
	if c-c0 != 1 || rm-r0 != 2 || s-s0 != 2 {
		t.Fatalf("APPLY_VIEW sent creates %d removes %d sets %d, want 1 2 2", c-c0, rm-r0, s-s0)
	}
	if e.rid(tp2.bp) != bpRID {
		t.Fatal("bridge port re-created")
	}
	if v := p.attr(t, halv1.ObjectType_OBJECT_TYPE_BRIDGE_PORT, bpRID, "SAI_BRIDGE_PORT_ATTR_ADMIN_STATE"); v != "false" {
		t.Errorf("bridge port admin state %s, want the default false", v)
	}
	if n := len(p.list(t, halv1.ObjectType_OBJECT_TYPE_NEXT_HOP)); n != 1 {
		t.Errorf("platform next hops %d", n)
	}
	if h := e.hash(asicStatePrefix + "SAI_OBJECT_TYPE_ROUTE_ENTRY:" + route2); h["SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID"] != nh2 {
		t.Errorf("route row %v", h)
	}
	if e.exists("SAI_OBJECT_TYPE_NEXT_HOP:"+nh) || !e.exists("SAI_OBJECT_TYPE_NEXT_HOP:"+nh2) {
		t.Error("next hop rows")
	}
	if keys := e.state.Keys(context.Background(), ErrorTable+"|*").Val(); len(keys) != 0 {
		t.Errorf("error rows left: %v", keys)
	}
	platformMatchesASICDB(t, e, p)
}

// TestVSSwitchCreatedAgain: a restarted orchagent creates the switch again
// before INIT_VIEW. Attributes the switch's row already holds are not SET
// again (no platform write); a changed one is one SET.
func TestVSSwitchCreatedAgain(t *testing.T) {
	e := newEnv(t)
	p := startVS(t, e.halSock, vsConfig(2, 0))
	e.startSyncd()
	e.initSwitch()
	_, _, s0 := p.opCounts()
	if s0 != 1 {
		t.Fatalf("first switch create made %d SETs, want 1 (SRC_MAC_ADDRESS)", s0)
	}
	p.mu.Lock()
	writes := p.writes
	p.mu.Unlock()

	e.initSwitch()
	p.mu.Lock()
	again := p.writes - writes
	p.mu.Unlock()
	if again != 0 {
		t.Fatalf("the same switch created again made %d platform writes", again)
	}
	r := e.call(Item{Key: "SAI_OBJECT_TYPE_SWITCH:" + switchVID, Op: opCreate,
		Fields: fv("SAI_SWITCH_ATTR_INIT_SWITCH", "true", "SAI_SWITCH_ATTR_SRC_MAC_ADDRESS", "00:11:22:33:44:66", "SAI_SWITCH_ATTR_FDB_AGING_TIME", "600")})
	e.mustSucceed("switch with a new MAC", r)
	if _, _, s := p.opCounts(); s != s0+2 {
		t.Fatalf("switch created with a new MAC and aging time: %d SETs, want 2", s-s0)
	}
	if v := p.attr(t, halv1.ObjectType_OBJECT_TYPE_SWITCH, p.sw.SwitchID(), "SAI_SWITCH_ATTR_SRC_MAC_ADDRESS"); v != "00:11:22:33:44:66" {
		t.Errorf("platform switch MAC %s", v)
	}
	if h := e.hash(asicStatePrefix + "SAI_OBJECT_TYPE_SWITCH:" + switchVID); h["SAI_SWITCH_ATTR_SRC_MAC_ADDRESS"] != "00:11:22:33:44:66" || h["SAI_SWITCH_ATTR_FDB_AGING_TIME"] != "600" {
		t.Errorf("switch row %v", h)
	}
	// A syncd restart reads the row back: still no write for the same switch.
	e.stopSyncd()
	e.startSyncd()
	p.mu.Lock()
	writes = p.writes
	p.mu.Unlock()
	e.mustSucceed("the same switch after a syncd restart", e.call(Item{Key: "SAI_OBJECT_TYPE_SWITCH:" + switchVID, Op: opCreate,
		Fields: fv("SAI_SWITCH_ATTR_INIT_SWITCH", "true", "SAI_SWITCH_ATTR_SRC_MAC_ADDRESS", "00:11:22:33:44:66", "SAI_SWITCH_ATTR_FDB_AGING_TIME", "600")}))
	p.mu.Lock()
	again = p.writes - writes
	p.mu.Unlock()
	if again != 0 {
		t.Fatalf("the same switch created again after a syncd restart made %d platform writes", again)
	}
}
