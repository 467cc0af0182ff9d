package orchagent

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	"github.com/vltgw/vltgw/hal/sai"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// halFake is a minimal platform behind the real HAL gRPC service, so the
// real syncd can run in tests before platform/vs exists: an object store
// with references, OBJECT_IN_USE and duplicates, the switch's default
// objects, four ports, and events pushed by the test.
type halFake struct {
	halv1.UnimplementedHalServer
	mu       sync.Mutex
	next     uint64
	objs     map[string]*halv1.Object
	order    []string
	switchID uint64
	ports    []*halv1.PortInfo
	events   chan *halv1.Event
	writes   map[halv1.Op_Kind]int
}

func halKey(k *halv1.ObjectKey) string {
	if o, ok := k.GetKey().(*halv1.ObjectKey_Oid); ok {
		return fmt.Sprintf("%d:%x", k.GetType(), o.Oid)
	}
	id, _ := sai.FormatObjectID(k)
	return fmt.Sprintf("%d:%s", k.GetType(), id)
}

func oidAttr(id string, v uint64) *halv1.Attribute {
	return &halv1.Attribute{Id: id, Value: &halv1.Attribute_Oid{Oid: v}}
}

func newHalFake() *halFake {
	f := &halFake{next: 0x1000, objs: map[string]*halv1.Object{}, events: make(chan *halv1.Event, 16), writes: map[halv1.Op_Kind]int{}}
	f.switchID = f.add(tSwitch)
	cpu := f.add(tPort)
	var ports []uint64
	for i := 0; i < 4; i++ {
		lanes := []uint32{uint32(4 * i), uint32(4*i + 1), uint32(4*i + 2), uint32(4*i + 3)}
		p := f.add(tPort,
			&halv1.Attribute{Id: "SAI_PORT_ATTR_HW_LANE_LIST", Value: &halv1.Attribute_U32List{U32List: &halv1.U32List{Values: lanes}}},
			&halv1.Attribute{Id: "SAI_PORT_ATTR_SPEED", Value: &halv1.Attribute_U32{U32: 100000}},
			&halv1.Attribute{Id: "SAI_PORT_ATTR_ADMIN_STATE", Value: &halv1.Attribute_BoolValue{}},
			&halv1.Attribute{Id: "SAI_PORT_ATTR_OPER_STATUS", Value: &halv1.Attribute_EnumName{EnumName: "SAI_PORT_OPER_STATUS_DOWN"}})
		ports = append(ports, p)
		f.ports = append(f.ports, &halv1.PortInfo{Oid: p, Name: fmt.Sprintf("Ethernet%d", 4*i), Lanes: lanes, Speed: 100000})
	}
	vr := f.add(halv1.ObjectType_OBJECT_TYPE_VIRTUAL_ROUTER)
	br := f.add(halv1.ObjectType_OBJECT_TYPE_BRIDGE, &halv1.Attribute{Id: "SAI_BRIDGE_ATTR_TYPE", Value: &halv1.Attribute_EnumName{EnumName: "SAI_BRIDGE_TYPE_1Q"}})
	vlan1 := f.add(tVlan, &halv1.Attribute{Id: "SAI_VLAN_ATTR_VLAN_ID", Value: &halv1.Attribute_U32{U32: 1}})
	tg := f.add(halv1.ObjectType_OBJECT_TYPE_HOSTIF_TRAP_GROUP)
	sw := f.objs[halKey(&halv1.ObjectKey{Type: tSwitch, Key: &halv1.ObjectKey_Oid{Oid: f.switchID}})]
	sw.Attrs = append(sw.Attrs,
		&halv1.Attribute{Id: "SAI_SWITCH_ATTR_PORT_LIST", Value: &halv1.Attribute_OidList{OidList: &halv1.OidList{Oids: ports}}},
		oidAttr("SAI_SWITCH_ATTR_CPU_PORT", cpu), oidAttr("SAI_SWITCH_ATTR_DEFAULT_VIRTUAL_ROUTER_ID", vr),
		oidAttr("SAI_SWITCH_ATTR_DEFAULT_1Q_BRIDGE_ID", br), oidAttr("SAI_SWITCH_ATTR_DEFAULT_VLAN_ID", vlan1),
		oidAttr("SAI_SWITCH_ATTR_DEFAULT_TRAP_GROUP", tg),
		&halv1.Attribute{Id: "SAI_SWITCH_ATTR_SRC_MAC_ADDRESS", Value: &halv1.Attribute_Mac{Mac: []byte{2, 0, 0, 0, 0, 1}}})
	return f
}

func (f *halFake) add(t halv1.ObjectType, attrs ...*halv1.Attribute) uint64 {
	f.next++
	id := uint64(t)<<48 | f.next
	k := &halv1.ObjectKey{Type: t, Key: &halv1.ObjectKey_Oid{Oid: id}}
	f.objs[halKey(k)] = &halv1.Object{Key: k, Attrs: attrs}
	f.order = append(f.order, halKey(k))
	return id
}

func (f *halFake) exists(id uint64) bool {
	_, ok := f.objs[halKey(&halv1.ObjectKey{Type: halv1.ObjectType(id >> 48 & 0xff), Key: &halv1.ObjectKey_Oid{Oid: id}})]
	return ok
}

func (f *halFake) inUse(id uint64) bool {
	for _, o := range f.objs {
		for _, r := range sai.KeyRefOIDs(o.GetKey()) {
			if r == id {
				return true
			}
		}
		for _, a := range o.GetAttrs() {
			for _, r := range sai.RefOIDs(a) {
				if r == id {
					return true
				}
			}
		}
	}
	return false
}

func (f *halFake) Hello(context.Context, *halv1.HelloRequest) (*halv1.HelloResponse, error) {
	return &halv1.HelloResponse{Version: "fake", SessionId: "s1", SwitchId: f.switchID, SwitchMac: []byte{2, 0, 0, 0, 0, 1}, Ports: f.ports}, nil
}

func (f *halFake) Capabilities(context.Context, *halv1.CapabilitiesRequest) (*halv1.CapabilitiesResponse, error) {
	return &halv1.CapabilitiesResponse{}, nil
}

func (f *halFake) Write(_ context.Context, req *halv1.WriteRequest) (*halv1.WriteResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	resp := &halv1.WriteResponse{}
	for _, op := range req.GetOps() {
		f.writes[op.GetKind()]++
		resp.Results = append(resp.Results, f.write(op))
	}
	return resp, nil
}

func (f *halFake) write(op *halv1.Op) *halv1.Result {
	k := op.GetKey()
	fail := func(st halv1.Status, msg string) *halv1.Result { return &halv1.Result{Status: st, Message: msg} }
	for _, a := range op.GetAttrs() {
		for _, r := range sai.RefOIDs(a) {
			if !f.exists(r) {
				return fail(halv1.Status_STATUS_INVALID_OBJECT_ID, a.GetId()+" names a missing object")
			}
		}
	}
	switch op.GetKind() {
	case halv1.Op_KIND_CREATE:
		if sai.IsEntry(k.GetType()) {
			for _, r := range sai.KeyRefOIDs(k) {
				if !f.exists(r) {
					return fail(halv1.Status_STATUS_INVALID_OBJECT_ID, "key names a missing object")
				}
			}
			if _, dup := f.objs[halKey(k)]; dup {
				return fail(halv1.Status_STATUS_ITEM_ALREADY_EXISTS, "exists")
			}
			f.objs[halKey(k)] = proto.Clone(&halv1.Object{Key: k, Attrs: op.GetAttrs()}).(*halv1.Object)
			f.order = append(f.order, halKey(k))
			return &halv1.Result{Status: halv1.Status_STATUS_SUCCESS}
		}
		attrs := proto.Clone(&halv1.Object{Attrs: op.GetAttrs()}).(*halv1.Object).GetAttrs()
		return &halv1.Result{Status: halv1.Status_STATUS_SUCCESS, Oid: f.add(k.GetType(), attrs...)}
	case halv1.Op_KIND_REMOVE:
		o, ok := f.objs[halKey(k)]
		if !ok {
			return fail(halv1.Status_STATUS_ITEM_NOT_FOUND, "no such object")
		}
		if id := o.GetKey().GetOid(); id != 0 && f.inUse(id) {
			return fail(halv1.Status_STATUS_OBJECT_IN_USE, "in use")
		}
		delete(f.objs, halKey(k))
	case halv1.Op_KIND_SET:
		o, ok := f.objs[halKey(k)]
		if !ok {
			return fail(halv1.Status_STATUS_ITEM_NOT_FOUND, "no such object")
		}
		for _, a := range op.GetAttrs() {
			a = proto.Clone(a).(*halv1.Attribute)
			replaced := false
			for i, b := range o.Attrs {
				if b.GetId() == a.GetId() {
					o.Attrs[i], replaced = a, true
				}
			}
			if !replaced {
				o.Attrs = append(o.Attrs, a)
			}
		}
	}
	return &halv1.Result{Status: halv1.Status_STATUS_SUCCESS}
}

func (f *halFake) Get(_ context.Context, req *halv1.GetRequest) (*halv1.GetResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.objs[halKey(req.GetKey())]
	if !ok {
		return &halv1.GetResponse{Status: halv1.Status_STATUS_ITEM_NOT_FOUND}, nil
	}
	o = proto.Clone(o).(*halv1.Object)
	if len(req.GetAttrIds()) == 0 {
		return &halv1.GetResponse{Status: halv1.Status_STATUS_SUCCESS, Attrs: o.GetAttrs()}, nil
	}
	resp := &halv1.GetResponse{Status: halv1.Status_STATUS_SUCCESS}
	for _, id := range req.GetAttrIds() {
		found := false
		for _, a := range o.GetAttrs() {
			if a.GetId() == id {
				resp.Attrs, found = append(resp.Attrs, a), true
			}
		}
		if !found {
			return &halv1.GetResponse{Status: halv1.Status_STATUS_INVALID_ATTRIBUTE, Message: id}, nil
		}
	}
	return resp, nil
}

func (f *halFake) List(req *halv1.ListRequest, s grpc.ServerStreamingServer[halv1.Object]) error {
	f.mu.Lock()
	var out []*halv1.Object
	for _, k := range f.order {
		if o, ok := f.objs[k]; ok && (req.GetType() == 0 || req.GetType() == o.GetKey().GetType()) {
			out = append(out, proto.Clone(o).(*halv1.Object))
		}
	}
	f.mu.Unlock()
	for _, o := range out {
		if err := s.Send(o); err != nil {
			return err
		}
	}
	return nil
}

func (f *halFake) Subscribe(_ *halv1.SubscribeRequest, s grpc.ServerStreamingServer[halv1.Event]) error {
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

// count returns how many objects of type t the platform holds.
func (f *halFake) count(t halv1.ObjectType) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, o := range f.objs {
		if o.GetKey().GetType() == t {
			n++
		}
	}
	return n
}

func (f *halFake) writeCounts() map[halv1.Op_Kind]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[halv1.Op_Kind]int{}
	for k, v := range f.writes {
		out[k] = v
	}
	return out
}

// serveHalFake serves f on a unix socket and returns its path.
func serveHalFake(t testing.TB, f *halFake) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "oa-hal-")
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "hal.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	halv1.RegisterHalServer(srv, f)
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	t.Cleanup(func() { srv.Stop(); <-done; os.RemoveAll(dir) })
	return sock
}
