package syncd

// Integration tests against the real virtual switch (platform/vs) served
// over a gRPC unix socket, with a real redis-server: the ASIC_STATE queue
// is written with swss' ProducerTable, replies read from GETRESPONSE, and
// the platform is checked with its own Get/List.

import (
	"context"
	"fmt"
	"net"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"google.golang.org/grpc"

	"github.com/vltgw/vltgw/hal/sai"
	"github.com/vltgw/vltgw/platform/vs"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// vsConfig is a switch with n unwired ports Ethernet0, Ethernet4, … and a
// MY_MAC capacity (0 = the platform default).
func vsConfig(n, myMacCap int) *vs.Config {
	c := &vs.Config{SwitchMAC: "02:00:00:00:00:01", Capacity: vs.Capacity{MyMAC: myMacCap}}
	for i := 0; i < n; i++ {
		c.Ports = append(c.Ports, vs.PortConfig{Name: fmt.Sprintf("Ethernet%d", 4*i), Lanes: []uint32{uint32(4 * i)}})
	}
	return c
}

// vsPlatform is a platform/vs switch served on a unix socket by a gRPC
// server whose interceptor counts the ops of every HAL Write by kind.
type vsPlatform struct {
	sw   *vs.Switch
	stop func()

	mu     sync.Mutex
	ops    map[halv1.Op_Kind]int
	writes int
}

func startVS(t testing.TB, sock string, cfg *vs.Config) *vsPlatform {
	t.Helper()
	sw, err := vs.New(cfg, vs.Options{Logger: zerolog.Nop(), AgingInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	p := &vsPlatform{sw: sw, ops: map[halv1.Op_Kind]int{}}
	lis, err := net.Listen("unix", sock)
	if err != nil {
		sw.Close()
		t.Fatal(err)
	}
	srv := grpc.NewServer(grpc.MaxRecvMsgSize(256<<20), grpc.MaxSendMsgSize(256<<20),
		grpc.UnaryInterceptor(func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			if w, ok := req.(*halv1.WriteRequest); ok {
				p.mu.Lock()
				p.writes++
				for _, op := range w.GetOps() {
					p.ops[op.GetKind()]++
				}
				p.mu.Unlock()
			}
			return h(ctx, req)
		}))
	halv1.RegisterHalServer(srv, vs.NewHALServer(sw))
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(lis) }()
	var once sync.Once
	p.stop = func() {
		once.Do(func() {
			sw.Close()
			srv.Stop()
			<-done
		})
	}
	t.Cleanup(p.stop)
	return p
}

// opCounts returns the creates, removes and sets the platform received.
func (p *vsPlatform) opCounts() (c, r, s int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ops[halv1.Op_KIND_CREATE], p.ops[halv1.Op_KIND_REMOVE], p.ops[halv1.Op_KIND_SET]
}

func (p *vsPlatform) list(t testing.TB, typ halv1.ObjectType) []*halv1.Object {
	t.Helper()
	objs, err := p.sw.List(typ)
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

// attr reads one attribute of a platform object as its ASIC_DB string
// (object ids stay RIDs).
func (p *vsPlatform) attr(t testing.TB, typ halv1.ObjectType, rid uint64, id string) string {
	t.Helper()
	r := p.sw.Get(&halv1.ObjectKey{Type: typ, Key: &halv1.ObjectKey_Oid{Oid: rid}}, id)
	if r.GetStatus() != halv1.Status_STATUS_SUCCESS || len(r.GetAttrs()) != 1 {
		t.Fatalf("platform get %s %s of %s: %s %s", typeName(typ), id, formatOID(rid), statusName(r.GetStatus()), r.GetMessage())
	}
	_, v, err := sai.FormatAttr(r.GetAttrs()[0])
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// rid is the platform id ASIC_DB maps a VID to.
func (e *env) rid(vid string) uint64 {
	e.t.Helper()
	s, err := e.asic.HGet(context.Background(), keyVIDToRID, vid).Result()
	if err != nil {
		e.t.Fatalf("VIDTORID %s: %v", vid, err)
	}
	r, err := parseOID(s)
	if err != nil {
		e.t.Fatal(err)
	}
	if back := e.asic.HGet(context.Background(), keyRIDToVID, s).Val(); back != vid {
		e.t.Fatalf("RIDTOVID %s = %q, want %s", s, back, vid)
	}
	return r
}

func (e *env) exists(key string) bool {
	return e.asic.Exists(context.Background(), asicStatePrefix+key).Val() == 1
}

func (e *env) mustSucceed(what string, r []Item) {
	e.t.Helper()
	for i, x := range r {
		if x.Key != "SAI_STATUS_SUCCESS" {
			e.t.Fatalf("%s: reply %d: %+v", what, i, x)
		}
		for _, f := range x.Fields {
			if f.Field != "SAI_STATUS_SUCCESS" {
				e.t.Fatalf("%s: reply %d: %+v", what, i, x)
			}
		}
	}
}

// topo names the objects of a small configuration: VLAN 10 with a tagged
// bridge port on Ethernet4, a VLAN router interface, three MY_MACs, a
// route and a static FDB entry.
type topo struct {
	vr, vlan, bp, member, rif string
	ports                     []string
	mm                        []string
	route, fdb                string
}

// vids allocates the VIDs of a topo the way orchagent does (INCR VIDCOUNTER).
func (e *env) topoVIDs() *topo {
	e.t.Helper()
	tp := &topo{
		vr:     e.switchAttr("SAI_SWITCH_ATTR_DEFAULT_VIRTUAL_ROUTER_ID"),
		vlan:   e.newVID(halv1.ObjectType_OBJECT_TYPE_VLAN),
		bp:     e.newVID(halv1.ObjectType_OBJECT_TYPE_BRIDGE_PORT),
		member: e.newVID(halv1.ObjectType_OBJECT_TYPE_VLAN_MEMBER),
		rif:    e.newVID(halv1.ObjectType_OBJECT_TYPE_ROUTER_INTERFACE),
	}
	pl := e.switchAttr("SAI_SWITCH_ATTR_PORT_LIST")
	_, list, _ := strings.Cut(pl, ":")
	tp.ports = strings.Split(list, ",")
	for i := 0; i < 3; i++ {
		tp.mm = append(tp.mm, e.newVID(halv1.ObjectType_OBJECT_TYPE_MY_MAC))
	}
	tp.route = `{"dest":"10.1.0.0/16","switch_id":"` + switchVID + `","vr":"` + tp.vr + `"}`
	tp.fdb = `{"bvid":"` + tp.vlan + `","mac":"00:AA:BB:CC:DD:01","switch_id":"` + switchVID + `"}`
	return tp
}

// topoOpts varies the intent between orchagent runs.
type topoOpts struct {
	rifMAC      string
	tagging     string
	routeAction string
	myMacs      []int // MY_MAC numbers (see myMacAttrs)
}

func defaultTopo() topoOpts {
	return topoOpts{rifMAC: "00:11:22:33:44:55", tagging: "SAI_VLAN_TAGGING_MODE_TAGGED", routeAction: "SAI_PACKET_ACTION_DROP", myMacs: []int{1, 2, 3}}
}

// items is the intent as orchagent sends it: single creates, a bulk, a set.
func (tp *topo) items(o topoOpts) []Item {
	var bulk []FV
	for i, n := range o.myMacs {
		bulk = append(bulk, FV{tp.mm[i], myMacAttrs(n, 10)})
	}
	return []Item{
		{Key: "SAI_OBJECT_TYPE_VLAN:" + tp.vlan, Op: opCreate, Fields: fv("SAI_VLAN_ATTR_VLAN_ID", "10")},
		{Key: "SAI_OBJECT_TYPE_BRIDGE_PORT:" + tp.bp, Op: opCreate, Fields: fv("SAI_BRIDGE_PORT_ATTR_TYPE", "SAI_BRIDGE_PORT_TYPE_PORT",
			"SAI_BRIDGE_PORT_ATTR_PORT_ID", tp.ports[1], "SAI_BRIDGE_PORT_ATTR_ADMIN_STATE", "true")},
		{Key: "SAI_OBJECT_TYPE_VLAN_MEMBER:" + tp.member, Op: opCreate, Fields: fv("SAI_VLAN_MEMBER_ATTR_VLAN_ID", tp.vlan,
			"SAI_VLAN_MEMBER_ATTR_BRIDGE_PORT_ID", tp.bp, "SAI_VLAN_MEMBER_ATTR_VLAN_TAGGING_MODE", o.tagging)},
		{Key: "SAI_OBJECT_TYPE_ROUTER_INTERFACE:" + tp.rif, Op: opCreate, Fields: fv(
			"SAI_ROUTER_INTERFACE_ATTR_VIRTUAL_ROUTER_ID", tp.vr, "SAI_ROUTER_INTERFACE_ATTR_TYPE", "SAI_ROUTER_INTERFACE_TYPE_VLAN",
			"SAI_ROUTER_INTERFACE_ATTR_VLAN_ID", tp.vlan, "SAI_ROUTER_INTERFACE_ATTR_SRC_MAC_ADDRESS", o.rifMAC)},
		{Key: fmt.Sprintf("SAI_OBJECT_TYPE_MY_MAC:%d", len(bulk)), Op: opBulkCreate, Fields: bulk},
		{Key: "SAI_OBJECT_TYPE_ROUTE_ENTRY:" + tp.route, Op: opCreate, Fields: fv("SAI_ROUTE_ENTRY_ATTR_PACKET_ACTION", o.routeAction)},
		{Key: "SAI_OBJECT_TYPE_FDB_ENTRY:" + tp.fdb, Op: opCreate, Fields: fv("SAI_FDB_ENTRY_ATTR_TYPE", "SAI_FDB_ENTRY_TYPE_STATIC",
			"SAI_FDB_ENTRY_ATTR_BRIDGE_PORT_ID", tp.bp)},
		{Key: "SAI_OBJECT_TYPE_PORT:" + tp.ports[1], Op: opSet, Fields: fv("SAI_PORT_ATTR_ADMIN_STATE", "true")},
	}
}

var (
	oidKeyRE   = regexp.MustCompile(`^ASIC_STATE:SAI_OBJECT_TYPE_[A-Z_]+:oid:0x[0-9a-f]+$`)
	entryKeyRE = regexp.MustCompile(`^ASIC_STATE:SAI_OBJECT_TYPE_(FDB|ROUTE|NEIGHBOR)_ENTRY:\{"[a-z_]+":.*\}$`)
)

// asicKeys lists the ASIC_STATE keys, checking each is in the documented form.
func (e *env) asicKeys() []string {
	e.t.Helper()
	keys, err := e.asic.Keys(context.Background(), asicStatePrefix+"*").Result()
	if err != nil {
		e.t.Fatal(err)
	}
	for _, k := range keys {
		if !oidKeyRE.MatchString(k) && !entryKeyRE.MatchString(k) {
			e.t.Errorf("ASIC_DB key %q is not in the documented form", k)
		}
	}
	sort.Strings(keys)
	return keys
}

func countType(keys []string, typ string) int {
	n := 0
	for _, k := range keys {
		if strings.HasPrefix(k, asicStatePrefix+typ+":") {
			n++
		}
	}
	return n
}

func TestVSQueueToPlatform(t *testing.T) {
	e := newEnv(t)
	sw, err := vs.New(vsConfig(4, 0), vs.Options{Logger: zerolog.Nop(), AgingInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := vs.Listen(sw, vs.ServeOptions{HALSocket: e.halSock})
	if err != nil {
		t.Fatal(err)
	}
	srv.Start()
	t.Cleanup(func() { sw.Close(); srv.Stop(time.Second) })
	p := &vsPlatform{sw: sw}
	e.startSyncd()
	e.initSwitch()

	// The switch attribute reached the platform; the platform's objects
	// were discovered into ASIC_DB with VIDs.
	if v := p.attr(t, halv1.ObjectType_OBJECT_TYPE_SWITCH, sw.SwitchID(), "SAI_SWITCH_ATTR_SRC_MAC_ADDRESS"); v != "00:11:22:33:44:55" {
		t.Fatalf("platform switch MAC %s", v)
	}
	tp := e.topoVIDs()
	if len(tp.ports) != 4 {
		t.Fatalf("PORT_LIST %v", tp.ports)
	}
	if e.rid(tp.vr) == 0 || e.rid(tp.ports[0]) == 0 {
		t.Fatal("default objects unmapped")
	}
	keys := e.asicKeys()
	if countType(keys, "SAI_OBJECT_TYPE_PORT") != 5 || countType(keys, "SAI_OBJECT_TYPE_VLAN") != 1 ||
		countType(keys, "SAI_OBJECT_TYPE_VIRTUAL_ROUTER") != 1 || countType(keys, "SAI_OBJECT_TYPE_SWITCH") != 1 {
		t.Fatalf("discovered ASIC_DB keys %v", keys)
	}
	if h := e.hash("ASIC_STATE:SAI_OBJECT_TYPE_PORT:" + tp.ports[0]); h["SAI_PORT_ATTR_ADMIN_STATE"] != "false" || h["SAI_PORT_ATTR_OPER_STATUS"] != "" {
		t.Fatalf("discovered port row %v (read-only attributes must be left out)", h)
	}

	// create / bulkcreate / set, the VLAN and its users in one batch.
	r := e.call(tp.items(defaultTopo())...)
	e.mustSucceed("intent", r)
	if len(r[4].Fields) != 3 {
		t.Fatalf("bulk reply carries %d statuses, want 3: %+v", len(r[4].Fields), r[4])
	}

	// ASIC_DB rows, byte for byte in the documented value format.
	wantRows := map[string]map[string]string{
		"SAI_OBJECT_TYPE_VLAN:" + tp.vlan: {"SAI_VLAN_ATTR_VLAN_ID": "10"},
		"SAI_OBJECT_TYPE_BRIDGE_PORT:" + tp.bp: {"SAI_BRIDGE_PORT_ATTR_TYPE": "SAI_BRIDGE_PORT_TYPE_PORT",
			"SAI_BRIDGE_PORT_ATTR_PORT_ID": tp.ports[1], "SAI_BRIDGE_PORT_ATTR_ADMIN_STATE": "true"},
		"SAI_OBJECT_TYPE_VLAN_MEMBER:" + tp.member: {"SAI_VLAN_MEMBER_ATTR_VLAN_ID": tp.vlan, "SAI_VLAN_MEMBER_ATTR_BRIDGE_PORT_ID": tp.bp,
			"SAI_VLAN_MEMBER_ATTR_VLAN_TAGGING_MODE": "SAI_VLAN_TAGGING_MODE_TAGGED"},
		"SAI_OBJECT_TYPE_ROUTER_INTERFACE:" + tp.rif: {"SAI_ROUTER_INTERFACE_ATTR_VIRTUAL_ROUTER_ID": tp.vr,
			"SAI_ROUTER_INTERFACE_ATTR_TYPE": "SAI_ROUTER_INTERFACE_TYPE_VLAN", "SAI_ROUTER_INTERFACE_ATTR_VLAN_ID": tp.vlan,
			"SAI_ROUTER_INTERFACE_ATTR_SRC_MAC_ADDRESS": "00:11:22:33:44:55"},
		"SAI_OBJECT_TYPE_MY_MAC:" + tp.mm[1]: {"SAI_MY_MAC_ATTR_MAC_ADDRESS": "02:00:00:00:00:02", "SAI_MY_MAC_ATTR_MAC_ADDRESS_MASK": "FF:FF:FF:FF:FF:FF",
			"SAI_MY_MAC_ATTR_VLAN_ID": "10", "SAI_MY_MAC_ATTR_PRIORITY": "1"},
		"SAI_OBJECT_TYPE_ROUTE_ENTRY:" + tp.route: {"SAI_ROUTE_ENTRY_ATTR_PACKET_ACTION": "SAI_PACKET_ACTION_DROP"},
		"SAI_OBJECT_TYPE_FDB_ENTRY:" + tp.fdb:     {"SAI_FDB_ENTRY_ATTR_TYPE": "SAI_FDB_ENTRY_TYPE_STATIC", "SAI_FDB_ENTRY_ATTR_BRIDGE_PORT_ID": tp.bp},
	}
	for k, want := range wantRows {
		got := e.hash(asicStatePrefix + k)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s = %v, want %v", k, got, want)
		}
	}
	if h := e.hash("ASIC_STATE:SAI_OBJECT_TYPE_PORT:" + tp.ports[1]); h["SAI_PORT_ATTR_ADMIN_STATE"] != "true" {
		t.Errorf("port row after set %v", h)
	}
	e.asicKeys()

	// The platform holds them, under the RIDs the maps name.
	vlanRID, bpRID, rifRID := e.rid(tp.vlan), e.rid(tp.bp), e.rid(tp.rif)
	if v := p.attr(t, halv1.ObjectType_OBJECT_TYPE_BRIDGE_PORT, bpRID, "SAI_BRIDGE_PORT_ATTR_PORT_ID"); v != formatOID(e.rid(tp.ports[1])) {
		t.Errorf("platform bridge port PORT_ID %s", v)
	}
	if v := p.attr(t, halv1.ObjectType_OBJECT_TYPE_VLAN, vlanRID, "SAI_VLAN_ATTR_VLAN_ID"); v != "10" {
		t.Errorf("platform VLAN_ID %s", v)
	}
	if v := p.attr(t, halv1.ObjectType_OBJECT_TYPE_ROUTER_INTERFACE, rifRID, "SAI_ROUTER_INTERFACE_ATTR_VLAN_ID"); v != formatOID(vlanRID) {
		t.Errorf("platform RIF VLAN_ID %s, want the VLAN's RID %s", v, formatOID(vlanRID))
	}
	if v := p.attr(t, halv1.ObjectType_OBJECT_TYPE_PORT, e.rid(tp.ports[1]), "SAI_PORT_ATTR_ADMIN_STATE"); v != "true" {
		t.Errorf("platform port admin %s", v)
	}
	if n := len(p.list(t, halv1.ObjectType_OBJECT_TYPE_MY_MAC)); n != 3 {
		t.Errorf("platform MY_MACs %d", n)
	}
	fdbs := p.list(t, halv1.ObjectType_OBJECT_TYPE_FDB_ENTRY)
	if len(fdbs) != 1 || fdbs[0].GetKey().GetFdbEntry().GetBvId() != vlanRID {
		t.Errorf("platform FDB %v", fdbs)
	}
	if n := len(p.list(t, halv1.ObjectType_OBJECT_TYPE_ROUTE_ENTRY)); n != 1 {
		t.Errorf("platform routes %d", n)
	}

	// set, bulkset (one refused: create-only), get.
	r = e.call(
		Item{Key: "SAI_OBJECT_TYPE_VLAN_MEMBER:" + tp.member, Op: opSet, Fields: fv("SAI_VLAN_MEMBER_ATTR_VLAN_TAGGING_MODE", "SAI_VLAN_TAGGING_MODE_UNTAGGED")},
		Item{Key: "SAI_OBJECT_TYPE_ROUTER_INTERFACE:2", Op: opBulkSet, Fields: fv(tp.rif, "SAI_ROUTER_INTERFACE_ATTR_SRC_MAC_ADDRESS=00:11:22:33:44:66",
			tp.rif, "SAI_ROUTER_INTERFACE_ATTR_TYPE=SAI_ROUTER_INTERFACE_TYPE_LOOPBACK")},
		Item{Key: "SAI_OBJECT_TYPE_ROUTER_INTERFACE:" + tp.rif, Op: opGet, Fields: fv("SAI_ROUTER_INTERFACE_ATTR_VLAN_ID", "oid:0x0")},
	)
	if r[0].Key != "SAI_STATUS_SUCCESS" || r[1].Key != "SAI_STATUS_FAILURE" || len(r[1].Fields) != 2 ||
		r[1].Fields[0].Field != "SAI_STATUS_SUCCESS" || r[1].Fields[1].Field != "SAI_STATUS_INVALID_ATTRIBUTE" {
		t.Fatalf("set/bulkset replies %+v", r[:2])
	}
	if r[2].Key != "SAI_STATUS_SUCCESS" || len(r[2].Fields) != 1 || r[2].Fields[0] != (FV{"SAI_ROUTER_INTERFACE_ATTR_VLAN_ID", tp.vlan}) {
		t.Fatalf("get reply %+v (object ids must come back as VIDs)", r[2])
	}
	if v := p.attr(t, halv1.ObjectType_OBJECT_TYPE_ROUTER_INTERFACE, rifRID, "SAI_ROUTER_INTERFACE_ATTR_SRC_MAC_ADDRESS"); v != "00:11:22:33:44:66" {
		t.Errorf("platform RIF MAC %s", v)
	}
	if h := e.hash("ASIC_STATE:SAI_OBJECT_TYPE_ROUTER_INTERFACE:" + tp.rif); h["SAI_ROUTER_INTERFACE_ATTR_SRC_MAC_ADDRESS"] != "00:11:22:33:44:66" ||
		h["SAI_ROUTER_INTERFACE_ATTR_TYPE"] != "SAI_ROUTER_INTERFACE_TYPE_VLAN" {
		t.Errorf("RIF row after bulkset %v", h)
	}
	if h := e.hash("ASIC_STATE:SAI_OBJECT_TYPE_VLAN_MEMBER:" + tp.member); h["SAI_VLAN_MEMBER_ATTR_VLAN_TAGGING_MODE"] != "SAI_VLAN_TAGGING_MODE_UNTAGGED" {
		t.Errorf("member row after set %v", h)
	}

	// remove in use (the platform refuses), bulkremove, removes in order.
	r = e.call(
		Item{Key: "SAI_OBJECT_TYPE_VLAN:" + tp.vlan, Op: opRemove},
		Item{Key: "SAI_OBJECT_TYPE_MY_MAC:2", Op: opBulkRemove, Fields: fv(tp.mm[0], "", tp.mm[2], "")},
		Item{Key: "SAI_OBJECT_TYPE_FDB_ENTRY:" + tp.fdb, Op: opRemove},
		Item{Key: "SAI_OBJECT_TYPE_VLAN_MEMBER:" + tp.member, Op: opRemove},
		Item{Key: "SAI_OBJECT_TYPE_ROUTER_INTERFACE:" + tp.rif, Op: opRemove},
		Item{Key: "SAI_OBJECT_TYPE_BRIDGE_PORT:" + tp.bp, Op: opRemove},
		Item{Key: "SAI_OBJECT_TYPE_VLAN:" + tp.vlan, Op: opRemove},
	)
	if r[0].Key != "SAI_STATUS_OBJECT_IN_USE" {
		t.Fatalf("remove of a VLAN in use: %+v", r[0])
	}
	e.mustSucceed("removes", r[1:])
	if len(r[1].Fields) != 2 {
		t.Fatalf("bulkremove reply %+v", r[1])
	}
	for _, k := range []string{"SAI_OBJECT_TYPE_VLAN:" + tp.vlan, "SAI_OBJECT_TYPE_BRIDGE_PORT:" + tp.bp, "SAI_OBJECT_TYPE_VLAN_MEMBER:" + tp.member,
		"SAI_OBJECT_TYPE_ROUTER_INTERFACE:" + tp.rif, "SAI_OBJECT_TYPE_MY_MAC:" + tp.mm[0], "SAI_OBJECT_TYPE_FDB_ENTRY:" + tp.fdb} {
		if e.exists(k) {
			t.Errorf("%s still in ASIC_DB", k)
		}
	}
	for _, v := range []string{tp.vlan, tp.bp, tp.rif, tp.mm[0]} {
		if e.asic.HExists(context.Background(), keyVIDToRID, v).Val() {
			t.Errorf("%s still mapped", v)
		}
	}
	if n := len(p.list(t, halv1.ObjectType_OBJECT_TYPE_VLAN)); n != 1 {
		t.Errorf("platform VLANs %d, want the default one", n)
	}
	if n := len(p.list(t, halv1.ObjectType_OBJECT_TYPE_MY_MAC)); n != 1 || !e.exists("SAI_OBJECT_TYPE_MY_MAC:"+tp.mm[1]) {
		t.Errorf("platform MY_MACs %d", n)
	}
	if n := len(p.list(t, halv1.ObjectType_OBJECT_TYPE_BRIDGE_PORT)) + len(p.list(t, halv1.ObjectType_OBJECT_TYPE_FDB_ENTRY)); n != 0 {
		t.Errorf("platform still holds %d bridge ports/FDB entries", n)
	}
}

func TestVSBadInput(t *testing.T) {
	e := newEnv(t)
	p := startVS(t, e.halSock, vsConfig(2, 2)) // MY_MAC capacity 2
	e.startSyncd()
	e.initSwitch()
	vr := e.switchAttr("SAI_SWITCH_ATTR_DEFAULT_VIRTUAL_ROUTER_ID")
	vlan := e.newVID(halv1.ObjectType_OBJECT_TYPE_VLAN)
	colour := e.newVID(halv1.ObjectType_OBJECT_TYPE_VLAN)
	dupVLAN := e.newVID(halv1.ObjectType_OBJECT_TYPE_VLAN)
	rif := e.newVID(halv1.ObjectType_OBJECT_TYPE_ROUTER_INTERFACE)
	ghost := formatOID(makeVID(halv1.ObjectType_OBJECT_TYPE_VLAN, 999999))
	mm := []string{e.newVID(halv1.ObjectType_OBJECT_TYPE_MY_MAC), e.newVID(halv1.ObjectType_OBJECT_TYPE_MY_MAC), e.newVID(halv1.ObjectType_OBJECT_TYPE_MY_MAC)}
	v20, v30 := e.newVID(halv1.ObjectType_OBJECT_TYPE_VLAN), e.newVID(halv1.ObjectType_OBJECT_TYPE_VLAN)
	good := e.newVID(halv1.ObjectType_OBJECT_TYPE_VLAN)
	creates0, _, _ := p.opCounts()

	r := e.call(
		Item{Key: "SAI_OBJECT_TYPE_FOO:oid:0x1", Op: opCreate, Fields: fv("X", "1")},
		Item{Key: "SAI_OBJECT_TYPE_VLAN:" + colour, Op: opCreate, Fields: fv("SAI_VLAN_ATTR_VLAN_ID", "10", "SAI_VLAN_ATTR_COLOUR", "blue")},
		Item{Key: "SAI_OBJECT_TYPE_VLAN:" + vlan, Op: opCreate, Fields: fv("SAI_VLAN_ATTR_VLAN_ID", "ten")},
		Item{Key: "SAI_OBJECT_TYPE_ROUTER_INTERFACE:" + rif, Op: opCreate, Fields: fv("SAI_ROUTER_INTERFACE_ATTR_VIRTUAL_ROUTER_ID", vr,
			"SAI_ROUTER_INTERFACE_ATTR_TYPE", "SAI_ROUTER_INTERFACE_TYPE_VLAN", "SAI_ROUTER_INTERFACE_ATTR_VLAN_ID", ghost)},
		Item{Key: "SAI_OBJECT_TYPE_MY_MAC:3", Op: opBulkCreate, Fields: fv(mm[0], myMacAttrs(1, 10), mm[1], myMacAttrs(2, 10), mm[2], myMacAttrs(3, 10))},
		Item{Key: "SAI_OBJECT_TYPE_VLAN:" + dupVLAN, Op: opCreate, Fields: fv("SAI_VLAN_ATTR_VLAN_ID", "1")}, // the platform's VLAN 1
		Item{Key: "SAI_OBJECT_TYPE_VLAN:2", Op: opBulkCreate, Fields: fv(v20, "SAI_VLAN_ATTR_VLAN_ID=20", v30, "SAI_VLAN_ATTR_VLAN_ID=5000")},
		Item{Key: "SAI_OBJECT_TYPE_VLAN:3", Op: opBulkCreate, Fields: fv(v20, "SAI_VLAN_ATTR_VLAN_ID=21")}, // count mismatch
		Item{Key: "SAI_OBJECT_TYPE_VLAN:" + good, Op: opCreate, Fields: fv("SAI_VLAN_ATTR_VLAN_ID", "40")},
	)
	want := []string{"SAI_STATUS_INVALID_OBJECT_TYPE", "SAI_STATUS_INVALID_ATTRIBUTE", "SAI_STATUS_INVALID_ATTR_VALUE",
		"SAI_STATUS_INVALID_OBJECT_ID", "SAI_STATUS_FAILURE", "SAI_STATUS_ITEM_ALREADY_EXISTS", "SAI_STATUS_FAILURE",
		"SAI_STATUS_INVALID_PARAMETER", "SAI_STATUS_SUCCESS"}
	if len(r) != len(want) {
		t.Fatalf("%d replies for %d items", len(r), len(want))
	}
	for i, w := range want {
		if r[i].Key != w || r[i].Op != opGetResponse {
			t.Errorf("reply %d = %+v, want %s", i, r[i], w)
		}
	}
	statuses := func(x Item) string {
		var s []string
		for _, f := range x.Fields {
			s = append(s, f.Field)
		}
		return strings.Join(s, " ")
	}
	if got := statuses(r[4]); got != "SAI_STATUS_SUCCESS SAI_STATUS_SUCCESS SAI_STATUS_TABLE_FULL" {
		t.Errorf("MY_MAC bulk statuses %s", got)
	}
	if got := statuses(r[6]); got != "SAI_STATUS_SUCCESS SAI_STATUS_INVALID_ATTR_VALUE" {
		t.Errorf("VLAN bulk statuses %s", got)
	}

	// Each refusal names the object and the attribute or reason in STATE_DB.
	reasons := map[string][]string{
		"SAI_OBJECT_TYPE_FOO:oid:0x1":             {"SAI_STATUS_INVALID_OBJECT_TYPE", "SAI_OBJECT_TYPE_FOO"},
		"SAI_OBJECT_TYPE_VLAN:" + colour:          {"SAI_STATUS_INVALID_ATTRIBUTE", "SAI_VLAN_ATTR_COLOUR"},
		"SAI_OBJECT_TYPE_VLAN:" + vlan:            {"SAI_STATUS_INVALID_ATTR_VALUE", "SAI_VLAN_ATTR_VLAN_ID", `"ten"`},
		"SAI_OBJECT_TYPE_ROUTER_INTERFACE:" + rif: {"SAI_STATUS_INVALID_OBJECT_ID", "SAI_ROUTER_INTERFACE_ATTR_VLAN_ID", ghost},
		"SAI_OBJECT_TYPE_MY_MAC:" + mm[2]:         {"SAI_STATUS_TABLE_FULL", "platform", "MY_MAC table full"},
		"SAI_OBJECT_TYPE_VLAN:" + dupVLAN:         {"SAI_STATUS_ITEM_ALREADY_EXISTS", "platform"},
		"SAI_OBJECT_TYPE_VLAN:" + v30:             {"SAI_STATUS_INVALID_ATTR_VALUE", "SAI_VLAN_ATTR_VLAN_ID", "5000"},
		"SAI_OBJECT_TYPE_VLAN:3":                  {"SAI_STATUS_INVALID_PARAMETER", "count"},
		"SAI_OBJECT_TYPE_MY_MAC:" + mm[0]:         nil,
		"SAI_OBJECT_TYPE_VLAN:" + good:            nil,
	}
	for key, want := range reasons {
		row := e.state.HGetAll(context.Background(), ErrorTable+"|"+key).Val()
		if want == nil {
			if len(row) != 0 {
				t.Errorf("%s has an error row %v", key, row)
			}
			continue
		}
		if row["status"] != want[0] {
			t.Errorf("%s error row %v, want status %s", key, row, want[0])
		}
		for _, w := range want[1:] {
			if !strings.Contains(row["reason"], w) {
				t.Errorf("%s reason %q does not name %s", key, row["reason"], w)
			}
		}
	}

	// Nothing half-applied: ASIC_DB shows exactly what the platform holds.
	for _, k := range []string{"SAI_OBJECT_TYPE_VLAN:" + vlan, "SAI_OBJECT_TYPE_VLAN:" + colour, "SAI_OBJECT_TYPE_VLAN:" + dupVLAN, "SAI_OBJECT_TYPE_VLAN:" + v30,
		"SAI_OBJECT_TYPE_ROUTER_INTERFACE:" + rif, "SAI_OBJECT_TYPE_MY_MAC:" + mm[2]} {
		_, id, _ := strings.Cut(k, ":")
		if e.exists(k) || e.asic.HExists(context.Background(), keyVIDToRID, id).Val() {
			t.Errorf("%s shows in ASIC_DB after a refusal", k)
		}
	}
	keys := e.asicKeys()
	if n, m := len(p.list(t, halv1.ObjectType_OBJECT_TYPE_MY_MAC)), countType(keys, "SAI_OBJECT_TYPE_MY_MAC"); n != 2 || m != 2 {
		t.Errorf("MY_MAC: platform %d, ASIC_DB %d, want 2 and 2", n, m)
	}
	if n, m := len(p.list(t, halv1.ObjectType_OBJECT_TYPE_VLAN)), countType(keys, "SAI_OBJECT_TYPE_VLAN"); n != 3 || m != 3 {
		t.Errorf("VLAN: platform %d, ASIC_DB %d, want 3 (1, 20, 40)", n, m)
	}
	if n := len(p.list(t, halv1.ObjectType_OBJECT_TYPE_ROUTER_INTERFACE)); n != 0 {
		t.Errorf("platform RIFs %d", n)
	}
	// Refusals decided by syncd never reached the platform: only VLAN 20,
	// 40, VLAN 1 (refused by it) and the 3 MY_MACs were sent.
	if c, _, _ := p.opCounts(); c-creates0 != 6 {
		t.Errorf("platform received %d creates, want 6", c-creates0)
	}

	// A later success on a refused object clears its error row.
	e.mustSucceed("retry", e.call(Item{Key: "SAI_OBJECT_TYPE_VLAN:" + vlan, Op: opCreate, Fields: fv("SAI_VLAN_ATTR_VLAN_ID", "10")}))
	if n := e.state.Exists(context.Background(), ErrorTable+"|SAI_OBJECT_TYPE_VLAN:"+vlan).Val(); n != 0 {
		t.Error("error row left after a success")
	}
	st := e.state.HGetAll(context.Background(), StatsKey).Val()
	if st["errors"] != "8" || st["platform_refusals"] != "2" {
		t.Errorf("stats errors %s platform_refusals %s, want 8 and 2", st["errors"], st["platform_refusals"])
	}
}

// TestVSDependentOfRefused: in one batch, a VLAN the platform refuses
// (duplicate VLAN_ID) and a router interface on it: the interface is
// refused too (its VLAN never existed), naming the attribute; neither shows
// in ASIC_DB and the platform holds neither.
func TestVSDependentOfRefused(t *testing.T) {
	e := newEnv(t)
	p := startVS(t, e.halSock, vsConfig(2, 0))
	e.startSyncd()
	e.initSwitch()
	vr := e.switchAttr("SAI_SWITCH_ATTR_DEFAULT_VIRTUAL_ROUTER_ID")
	vlan, rif := e.newVID(halv1.ObjectType_OBJECT_TYPE_VLAN), e.newVID(halv1.ObjectType_OBJECT_TYPE_ROUTER_INTERFACE)
	r := e.call(
		Item{Key: "SAI_OBJECT_TYPE_VLAN:" + vlan, Op: opCreate, Fields: fv("SAI_VLAN_ATTR_VLAN_ID", "1")},
		Item{Key: "SAI_OBJECT_TYPE_ROUTER_INTERFACE:" + rif, Op: opCreate, Fields: fv("SAI_ROUTER_INTERFACE_ATTR_VIRTUAL_ROUTER_ID", vr,
			"SAI_ROUTER_INTERFACE_ATTR_TYPE", "SAI_ROUTER_INTERFACE_TYPE_VLAN", "SAI_ROUTER_INTERFACE_ATTR_VLAN_ID", vlan)},
	)
	if r[0].Key != "SAI_STATUS_ITEM_ALREADY_EXISTS" || r[1].Key != "SAI_STATUS_INVALID_OBJECT_ID" {
		t.Fatalf("replies %+v", r)
	}
	row := e.state.HGetAll(context.Background(), ErrorTable+"|SAI_OBJECT_TYPE_ROUTER_INTERFACE:"+rif).Val()
	if !strings.Contains(row["reason"], "SAI_ROUTER_INTERFACE_ATTR_VLAN_ID") || !strings.Contains(row["reason"], vlan) {
		t.Errorf("RIF error row %v", row)
	}
	if e.exists("SAI_OBJECT_TYPE_VLAN:"+vlan) || e.exists("SAI_OBJECT_TYPE_ROUTER_INTERFACE:"+rif) {
		t.Error("refused objects in ASIC_DB")
	}
	if n := len(p.list(t, halv1.ObjectType_OBJECT_TYPE_ROUTER_INTERFACE)); n != 0 {
		t.Errorf("platform RIFs %d", n)
	}
}
