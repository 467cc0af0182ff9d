package syncd

import (
	"context"
	"testing"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// refusingHal is a fake platform that refuses SETs of one attribute.
type refusingHal struct {
	*fakeHal
	attr string
}

func (h *refusingHal) Write(ctx context.Context, r *halv1.WriteRequest) (*halv1.WriteResponse, error) {
	var pass []*halv1.Op
	var idx []int
	resp := &halv1.WriteResponse{Results: make([]*halv1.Result, len(r.GetOps()))}
	for i, op := range r.GetOps() {
		if op.GetKind() == halv1.Op_KIND_SET && len(op.GetAttrs()) == 1 && op.GetAttrs()[0].GetId() == h.attr {
			resp.Results[i] = &halv1.Result{Status: halv1.Status_STATUS_NOT_SUPPORTED, Message: h.attr + " cannot change"}
			continue
		}
		pass = append(pass, op)
		idx = append(idx, i)
	}
	sub, err := h.fakeHal.Write(ctx, &halv1.WriteRequest{Ops: pass})
	if err != nil {
		return nil, err
	}
	for j, res := range sub.GetResults() {
		resp.Results[idx[j]] = res
	}
	return resp, nil
}

// TestApplyViewRefusedSet: a SET the platform refuses at APPLY_VIEW leaves
// the current value in ASIC_DB (under the new VID), and APPLY_VIEW answers
// FAILURE; the rest of the view is applied.
func TestApplyViewRefusedSet(t *testing.T) {
	e := newEnv(t)
	f := newFakeHal("s1", 0x1000)
	serveHal(t, e.halSock, &refusingHal{fakeHal: f, attr: "SAI_ROUTER_INTERFACE_ATTR_SRC_MAC_ADDRESS"})
	e.startSyncd()
	e.initSwitch()
	vr := e.switchAttr("SAI_SWITCH_ATTR_DEFAULT_VIRTUAL_ROUTER_ID")
	rifItem := func(vlan, rif, mac string) []Item {
		return []Item{
			{Key: "SAI_OBJECT_TYPE_VLAN:" + vlan, Op: opCreate, Fields: fv("SAI_VLAN_ATTR_VLAN_ID", "10")},
			{Key: "SAI_OBJECT_TYPE_ROUTER_INTERFACE:" + rif, Op: opCreate, Fields: fv("SAI_ROUTER_INTERFACE_ATTR_VIRTUAL_ROUTER_ID", vr,
				"SAI_ROUTER_INTERFACE_ATTR_TYPE", "SAI_ROUTER_INTERFACE_TYPE_VLAN", "SAI_ROUTER_INTERFACE_ATTR_VLAN_ID", vlan,
				"SAI_ROUTER_INTERFACE_ATTR_SRC_MAC_ADDRESS", mac, "SAI_ROUTER_INTERFACE_ATTR_MTU", "9100")},
		}
	}
	vlan, rif := e.newVID(halv1.ObjectType_OBJECT_TYPE_VLAN), e.newVID(halv1.ObjectType_OBJECT_TYPE_ROUTER_INTERFACE)
	for i, r := range e.call(rifItem(vlan, rif, "00:11:22:33:44:55")...) {
		if r.Key != "SAI_STATUS_SUCCESS" {
			t.Fatalf("reply %d %+v", i, r)
		}
	}
	if r := e.call(Item{Key: notifyInitView, Op: opNotify}); r[0].Key != "SAI_STATUS_SUCCESS" {
		t.Fatal(r)
	}
	e.initSwitch()
	vlan2, rif2 := e.newVID(halv1.ObjectType_OBJECT_TYPE_VLAN), e.newVID(halv1.ObjectType_OBJECT_TYPE_ROUTER_INTERFACE)
	items := rifItem(vlan2, rif2, "00:11:22:33:44:99")
	items[1].Fields[4].Value = "1500" // MTU: accepted
	r := e.call(append(items, Item{Key: notifyApplyView, Op: opNotify})...)
	if r[2].Key != "SAI_STATUS_FAILURE" || r[2].Op != opNotify {
		t.Fatalf("APPLY_VIEW %+v", r[2])
	}
	h := e.hash(asicStatePrefix + "SAI_OBJECT_TYPE_ROUTER_INTERFACE:" + rif2)
	if h["SAI_ROUTER_INTERFACE_ATTR_SRC_MAC_ADDRESS"] != "00:11:22:33:44:55" || h["SAI_ROUTER_INTERFACE_ATTR_MTU"] != "1500" ||
		h["SAI_ROUTER_INTERFACE_ATTR_VLAN_ID"] != vlan2 {
		t.Fatalf("RIF row %v: want the old MAC, the new MTU, the new VLAN VID", h)
	}
	if e.asic.Exists(context.Background(), asicStatePrefix+"SAI_OBJECT_TYPE_ROUTER_INTERFACE:"+rif).Val() != 0 {
		t.Fatal("old RIF row left")
	}
	if f.opCount(halv1.Op_KIND_CREATE) != 2 || f.opCount(halv1.Op_KIND_REMOVE) != 0 {
		t.Fatalf("creates %d removes %d: the RIF was re-created", f.opCount(halv1.Op_KIND_CREATE), f.opCount(halv1.Op_KIND_REMOVE))
	}
}
