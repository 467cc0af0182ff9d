package syncd

// A small in-process platform for the tests (platform/vs had not landed):
// an object store with SAI rules (references, OBJECT_IN_USE, duplicates,
// MY_MAC capacity → TABLE_FULL), default objects, events, op counters.

import (
	"context"
	"fmt"
	"net"
	"sort"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

type fakeObj struct {
	key   *halv1.ObjectKey
	attrs map[string]*halv1.Attribute
}

type fakeHal struct {
	halv1.UnimplementedHalServer
	mu       sync.Mutex
	session  string
	next     uint64
	objs     map[string]*fakeObj // by keyString
	switchID uint64
	ports    []*halv1.PortInfo
	myMacCap int
	ops      map[halv1.Op_Kind]int
	events   chan *halv1.Event
	perType  map[halv1.ObjectType]int
	refused  int // calls refused by the session check
}

func keyString(k *halv1.ObjectKey) string {
	if oid, ok := k.GetKey().(*halv1.ObjectKey_Oid); ok {
		return fmt.Sprintf("%d:%x", k.GetType(), oid.Oid)
	}
	id, _ := formatObjectID(k)
	return fmt.Sprintf("%d:%s", k.GetType(), id)
}

func newFakeHal(session string, base uint64) *fakeHal {
	f := &fakeHal{session: session, next: base, objs: map[string]*fakeObj{}, myMacCap: 1 << 30,
		ops: map[halv1.Op_Kind]int{}, events: make(chan *halv1.Event, 16), perType: map[halv1.ObjectType]int{}}
	oidAttr := func(id string, v uint64) *halv1.Attribute {
		return &halv1.Attribute{Id: id, Value: &halv1.Attribute_Oid{Oid: v}}
	}
	f.switchID = f.add(halv1.ObjectType_OBJECT_TYPE_SWITCH)
	cpu := f.add(halv1.ObjectType_OBJECT_TYPE_PORT)
	var ports []uint64
	for i := 0; i < 4; i++ {
		p := f.add(halv1.ObjectType_OBJECT_TYPE_PORT,
			&halv1.Attribute{Id: "SAI_PORT_ATTR_ADMIN_STATE", Value: &halv1.Attribute_BoolValue{}},
			&halv1.Attribute{Id: "SAI_PORT_ATTR_MTU", Value: &halv1.Attribute_U32{U32: 9100}},
			&halv1.Attribute{Id: "SAI_PORT_ATTR_OPER_STATUS", Value: &halv1.Attribute_EnumName{EnumName: "SAI_PORT_OPER_STATUS_DOWN"}})
		ports = append(ports, p)
		f.ports = append(f.ports, &halv1.PortInfo{Oid: p, Name: fmt.Sprintf("Ethernet%d", 4*i), Lanes: []uint32{uint32(i)}})
	}
	vr := f.add(halv1.ObjectType_OBJECT_TYPE_VIRTUAL_ROUTER)
	br := f.add(halv1.ObjectType_OBJECT_TYPE_BRIDGE, &halv1.Attribute{Id: "SAI_BRIDGE_ATTR_TYPE", Value: &halv1.Attribute_EnumName{EnumName: "SAI_BRIDGE_TYPE_1Q"}})
	vlan := f.add(halv1.ObjectType_OBJECT_TYPE_VLAN, &halv1.Attribute{Id: "SAI_VLAN_ATTR_VLAN_ID", Value: &halv1.Attribute_U32{U32: 1}})
	tg := f.add(halv1.ObjectType_OBJECT_TYPE_HOSTIF_TRAP_GROUP)
	sw := f.objs[keyString(oidKey(halv1.ObjectType_OBJECT_TYPE_SWITCH, f.switchID))]
	for _, a := range []*halv1.Attribute{
		oidAttr("SAI_SWITCH_ATTR_CPU_PORT", cpu), oidAttr("SAI_SWITCH_ATTR_DEFAULT_VIRTUAL_ROUTER_ID", vr),
		oidAttr("SAI_SWITCH_ATTR_DEFAULT_1Q_BRIDGE_ID", br), oidAttr("SAI_SWITCH_ATTR_DEFAULT_VLAN_ID", vlan),
		oidAttr("SAI_SWITCH_ATTR_DEFAULT_TRAP_GROUP", tg),
		{Id: "SAI_SWITCH_ATTR_PORT_LIST", Value: &halv1.Attribute_OidList{OidList: &halv1.OidList{Oids: ports}}},
		{Id: "SAI_SWITCH_ATTR_PORT_NUMBER", Value: &halv1.Attribute_U32{U32: 4}},
		{Id: "SAI_SWITCH_ATTR_SRC_MAC_ADDRESS", Value: &halv1.Attribute_Mac{Mac: []byte{2, 0, 0, 0, 0, 1}}},
	} {
		sw.attrs[a.GetId()] = a
	}
	return f
}

func oidKey(t halv1.ObjectType, oid uint64) *halv1.ObjectKey {
	return &halv1.ObjectKey{Type: t, Key: &halv1.ObjectKey_Oid{Oid: oid}}
}

func (f *fakeHal) add(t halv1.ObjectType, attrs ...*halv1.Attribute) uint64 {
	f.next++
	oid := uint64(t)<<48 | f.next
	o := &fakeObj{key: oidKey(t, oid), attrs: map[string]*halv1.Attribute{}}
	for _, a := range attrs {
		o.attrs[a.GetId()] = a
	}
	f.objs[keyString(o.key)] = o
	f.perType[t]++
	return oid
}

func (f *fakeHal) exists(oid uint64) bool {
	_, ok := f.objs[keyString(oidKey(vidType(oid), oid))]
	return ok
}

func (f *fakeHal) inUse(oid uint64) bool {
	for _, o := range f.objs {
		for _, r := range keyRefs(o.key) {
			if r == oid {
				return true
			}
		}
		for _, a := range o.attrs {
			for _, r := range appendAttrRefs(nil, a) {
				if r == oid {
					return true
				}
			}
		}
	}
	return false
}

func (f *fakeHal) count(t halv1.ObjectType) int {
	return f.perType[t]
}

func (f *fakeHal) Hello(context.Context, *halv1.HelloRequest) (*halv1.HelloResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return &halv1.HelloResponse{SessionId: f.session, SwitchId: f.switchID, Ports: f.ports}, nil
}

// checkSession is the platform's session check (service Hal in hal.proto);
// f.mu held.
func (f *fakeHal) checkSession(ctx context.Context) error {
	err := halv1.CheckSession(ctx, f.session)
	if err != nil {
		f.refused++
	}
	return err
}

func (f *fakeHal) Write(ctx context.Context, req *halv1.WriteRequest) (*halv1.WriteResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.checkSession(ctx); err != nil {
		return nil, err
	}
	resp := &halv1.WriteResponse{}
	for _, op := range req.GetOps() {
		f.ops[op.GetKind()]++
		resp.Results = append(resp.Results, f.apply(op))
	}
	return resp, nil
}

func (f *fakeHal) apply(op *halv1.Op) *halv1.Result {
	fail := func(st halv1.Status, format string, a ...any) *halv1.Result {
		return &halv1.Result{Status: st, Message: fmt.Sprintf(format, a...)}
	}
	k := op.GetKey()
	for _, a := range op.GetAttrs() {
		for _, r := range appendAttrRefs(nil, a) {
			if !f.exists(r) {
				return fail(halv1.Status_STATUS_INVALID_OBJECT_ID, "%s: %x does not exist", a.GetId(), r)
			}
		}
	}
	switch op.GetKind() {
	case halv1.Op_KIND_CREATE:
		for _, r := range keyRefs(k) {
			if !f.exists(r) {
				return fail(halv1.Status_STATUS_INVALID_OBJECT_ID, "key object %x does not exist", r)
			}
		}
		if k.GetType() == halv1.ObjectType_OBJECT_TYPE_MY_MAC && f.count(k.GetType()) >= f.myMacCap {
			return fail(halv1.Status_STATUS_TABLE_FULL, "MY_MAC table full (%d)", f.myMacCap)
		}
		if isEntryType(k.GetType()) {
			if _, dup := f.objs[keyString(k)]; dup {
				return fail(halv1.Status_STATUS_ITEM_ALREADY_EXISTS, "entry exists")
			}
			o := &fakeObj{key: proto.Clone(k).(*halv1.ObjectKey), attrs: map[string]*halv1.Attribute{}}
			for _, a := range op.GetAttrs() {
				o.attrs[a.GetId()] = a
			}
			f.objs[keyString(k)] = o
			f.perType[k.GetType()]++
			return &halv1.Result{}
		}
		return &halv1.Result{Oid: f.add(k.GetType(), op.GetAttrs()...)}
	case halv1.Op_KIND_REMOVE:
		o, ok := f.objs[keyString(k)]
		if !ok {
			return fail(halv1.Status_STATUS_ITEM_NOT_FOUND, "no such object")
		}
		if oid := o.key.GetOid(); oid != 0 && f.inUse(oid) {
			return fail(halv1.Status_STATUS_OBJECT_IN_USE, "object in use")
		}
		delete(f.objs, keyString(k))
		f.perType[k.GetType()]--
	case halv1.Op_KIND_SET:
		o, ok := f.objs[keyString(k)]
		if !ok {
			return fail(halv1.Status_STATUS_ITEM_NOT_FOUND, "no such object")
		}
		for _, a := range op.GetAttrs() {
			o.attrs[a.GetId()] = a
		}
	}
	return &halv1.Result{}
}

func (f *fakeHal) Get(ctx context.Context, req *halv1.GetRequest) (*halv1.GetResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.checkSession(ctx); err != nil {
		return nil, err
	}
	o, ok := f.objs[keyString(req.GetKey())]
	if !ok {
		return &halv1.GetResponse{Status: halv1.Status_STATUS_ITEM_NOT_FOUND}, nil
	}
	resp := &halv1.GetResponse{}
	if len(req.GetAttrIds()) == 0 {
		for _, a := range o.attrs {
			resp.Attrs = append(resp.Attrs, a)
		}
		sort.Slice(resp.Attrs, func(i, j int) bool { return resp.Attrs[i].GetId() < resp.Attrs[j].GetId() })
		return resp, nil
	}
	for _, id := range req.GetAttrIds() {
		a, ok := o.attrs[id]
		if !ok {
			return &halv1.GetResponse{Status: halv1.Status_STATUS_INVALID_ATTRIBUTE, Message: id}, nil
		}
		resp.Attrs = append(resp.Attrs, a)
	}
	return resp, nil
}

func (f *fakeHal) sorted() []*halv1.Object {
	rank := typeRanks()
	var out []*halv1.Object
	for _, o := range f.objs {
		obj := &halv1.Object{Key: o.key}
		for _, a := range o.attrs {
			obj.Attrs = append(obj.Attrs, a)
		}
		sort.Slice(obj.Attrs, func(i, j int) bool { return obj.Attrs[i].GetId() < obj.Attrs[j].GetId() })
		out = append(out, obj)
	}
	sort.Slice(out, func(i, j int) bool {
		ri, rj := rank[out[i].GetKey().GetType()], rank[out[j].GetKey().GetType()]
		if ri != rj {
			return ri < rj
		}
		return keyString(out[i].GetKey()) < keyString(out[j].GetKey())
	})
	return out
}

func (f *fakeHal) List(req *halv1.ListRequest, s grpc.ServerStreamingServer[halv1.Object]) error {
	f.mu.Lock()
	if err := f.checkSession(s.Context()); err != nil {
		f.mu.Unlock()
		return err
	}
	objs := f.sorted()
	f.mu.Unlock()
	for _, o := range objs {
		if req.GetType() != 0 && o.GetKey().GetType() != req.GetType() {
			continue
		}
		if err := s.Send(o); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeHal) Subscribe(_ *halv1.SubscribeRequest, s grpc.ServerStreamingServer[halv1.Event]) error {
	if err := s.SendHeader(nil); err != nil {
		return err
	}
	for {
		select {
		case <-s.Context().Done():
			return nil
		case ev := <-f.events:
			if err := s.Send(ev); err != nil {
				return err
			}
		}
	}
}

func (f *fakeHal) opCount(k halv1.Op_Kind) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ops[k]
}

// serveFake serves f on sock until the returned stop is called.
func serveFake(t testing.TB, sock string, f *fakeHal) (stop func()) {
	t.Helper()
	return serveHal(t, sock, f)
}

// serveHal serves any HAL implementation on sock.
func serveHal(t testing.TB, sock string, f halv1.HalServer) (stop func()) {
	t.Helper()
	lis, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	halv1.RegisterHalServer(srv, f)
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(lis) }()
	var once sync.Once
	stop = func() { once.Do(func() { srv.Stop(); <-done }) }
	t.Cleanup(stop)
	return stop
}
