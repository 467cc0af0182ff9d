package syncd

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

func TestCreateSetRemoveBulk(t *testing.T) {
	e := newEnv(t)
	f := newFakeHal("s1", 0x1000)
	serveFake(t, e.halSock, f)
	e.startSyncd()
	e.initSwitch()

	// The switch's default objects were discovered and answer with VIDs.
	vr := e.switchAttr("SAI_SWITCH_ATTR_DEFAULT_VIRTUAL_ROUTER_ID")
	cpu := e.switchAttr("SAI_SWITCH_ATTR_CPU_PORT")
	r := e.call(Item{Key: "SAI_OBJECT_TYPE_SWITCH:" + switchVID, Op: opGet, Fields: fv("SAI_SWITCH_ATTR_PORT_LIST", "4:oid:0x0,oid:0x0,oid:0x0,oid:0x0")})
	if r[0].Key != "SAI_STATUS_SUCCESS" || !strings.HasPrefix(r[0].Fields[0].Value, "4:oid:0x1") {
		t.Fatalf("PORT_LIST: %+v", r[0])
	}
	ports := strings.Split(strings.TrimPrefix(r[0].Fields[0].Value, "4:"), ",")
	for _, v := range append([]string{vr, cpu}, ports...) {
		if rid := e.asic.HGet(context.Background(), keyVIDToRID, v).Val(); rid == "" {
			t.Fatalf("VID %s not in VIDTORID", v)
		}
	}
	if h := e.hash("ASIC_STATE:SAI_OBJECT_TYPE_PORT:" + ports[0]); h["SAI_PORT_ATTR_MTU"] != "9100" || h["SAI_PORT_ATTR_OPER_STATUS"] != "" {
		t.Fatalf("discovered port hash %v", h)
	}
	if h := e.hash("ASIC_STATE:SAI_OBJECT_TYPE_SWITCH:" + switchVID); h["SAI_SWITCH_ATTR_SRC_MAC_ADDRESS"] != "00:11:22:33:44:55" {
		t.Fatalf("switch hash %v", h)
	}

	vlan := e.newVID(halv1.ObjectType_OBJECT_TYPE_VLAN)
	rif := e.newVID(halv1.ObjectType_OBJECT_TYPE_ROUTER_INTERFACE)
	mm := []string{e.newVID(halv1.ObjectType_OBJECT_TYPE_MY_MAC), e.newVID(halv1.ObjectType_OBJECT_TYPE_MY_MAC), e.newVID(halv1.ObjectType_OBJECT_TYPE_MY_MAC)}
	route := `{"dest":"10.1.0.0/16","switch_id":"` + switchVID + `","vr":"` + vr + `"}`
	r = e.call(
		Item{Key: "SAI_OBJECT_TYPE_VLAN:" + vlan, Op: opCreate, Fields: fv("SAI_VLAN_ATTR_VLAN_ID", "10")},
		// references the VLAN created just before, in the same batch
		Item{Key: "SAI_OBJECT_TYPE_ROUTER_INTERFACE:" + rif, Op: opCreate, Fields: fv(
			"SAI_ROUTER_INTERFACE_ATTR_VIRTUAL_ROUTER_ID", vr, "SAI_ROUTER_INTERFACE_ATTR_TYPE", "SAI_ROUTER_INTERFACE_TYPE_VLAN",
			"SAI_ROUTER_INTERFACE_ATTR_VLAN_ID", vlan, "SAI_ROUTER_INTERFACE_ATTR_SRC_MAC_ADDRESS", "00:11:22:33:44:55")},
		Item{Key: "SAI_OBJECT_TYPE_PORT:" + ports[1], Op: opSet, Fields: fv("SAI_PORT_ATTR_ADMIN_STATE", "true")},
		Item{Key: "SAI_OBJECT_TYPE_MY_MAC:3", Op: opBulkCreate, Fields: fv(mm[0], myMacAttrs(1, 10), mm[1], myMacAttrs(2, 10), mm[2], myMacAttrs(3, 0))},
		Item{Key: "SAI_OBJECT_TYPE_ROUTE_ENTRY:" + route, Op: opCreate, Fields: fv("SAI_ROUTE_ENTRY_ATTR_PACKET_ACTION", "SAI_PACKET_ACTION_DROP")},
	)
	for i := 0; i < 3; i++ {
		if r[i].Key != "SAI_STATUS_SUCCESS" || r[i].Op != opGetResponse || len(r[i].Fields) != 0 {
			t.Fatalf("reply %d: %+v", i, r[i])
		}
	}
	if r[3].Key != "SAI_STATUS_SUCCESS" || len(r[3].Fields) != 3 || r[3].Fields[2].Field != "SAI_STATUS_SUCCESS" {
		t.Fatalf("bulk reply %+v", r[3])
	}
	if r[4].Key != "SAI_STATUS_SUCCESS" {
		t.Fatalf("route reply %+v", r[4])
	}
	if h := e.hash("ASIC_STATE:SAI_OBJECT_TYPE_VLAN:" + vlan); h["SAI_VLAN_ATTR_VLAN_ID"] != "10" {
		t.Fatalf("vlan hash %v", h)
	}
	if h := e.hash("ASIC_STATE:SAI_OBJECT_TYPE_ROUTER_INTERFACE:" + rif); h["SAI_ROUTER_INTERFACE_ATTR_VLAN_ID"] != vlan {
		t.Fatalf("rif hash %v", h)
	}
	if h := e.hash("ASIC_STATE:SAI_OBJECT_TYPE_PORT:" + ports[1]); h["SAI_PORT_ATTR_ADMIN_STATE"] != "true" {
		t.Fatalf("port hash %v", h)
	}
	if h := e.hash("ASIC_STATE:SAI_OBJECT_TYPE_MY_MAC:" + mm[2]); h["SAI_MY_MAC_ATTR_MAC_ADDRESS"] != "02:00:00:00:00:03" || h["SAI_MY_MAC_ATTR_VLAN_ID"] != "0" {
		t.Fatalf("my_mac hash %v", h)
	}
	if h := e.hash("ASIC_STATE:SAI_OBJECT_TYPE_ROUTE_ENTRY:" + route); h["SAI_ROUTE_ENTRY_ATTR_PACKET_ACTION"] != "SAI_PACKET_ACTION_DROP" {
		t.Fatalf("route hash %v", h)
	}
	f.mu.Lock()
	if n := f.count(halv1.ObjectType_OBJECT_TYPE_MY_MAC); n != 3 {
		t.Fatalf("platform MY_MACs %d", n)
	}
	f.mu.Unlock()
	ridOf := func(v string) string { return e.asic.HGet(context.Background(), keyVIDToRID, v).Val() }
	if rid := ridOf(vlan); rid == "" || rid == vlan || e.asic.HGet(context.Background(), keyRIDToVID, rid).Val() != vlan {
		t.Fatalf("VLAN maps: rid %q", rid)
	}

	// A referenced object cannot go; bulk remove; remove.
	r = e.call(
		Item{Key: "SAI_OBJECT_TYPE_VLAN:" + vlan, Op: opRemove},
		Item{Key: "SAI_OBJECT_TYPE_MY_MAC:2", Op: opBulkRemove, Fields: fv(mm[0], "", mm[1], "")},
		Item{Key: "SAI_OBJECT_TYPE_ROUTER_INTERFACE:" + rif, Op: opRemove},
		Item{Key: "SAI_OBJECT_TYPE_VLAN:" + vlan, Op: opRemove},
	)
	if r[0].Key != "SAI_STATUS_OBJECT_IN_USE" || r[1].Key != "SAI_STATUS_SUCCESS" || len(r[1].Fields) != 2 ||
		r[2].Key != "SAI_STATUS_SUCCESS" || r[3].Key != "SAI_STATUS_SUCCESS" {
		t.Fatalf("removes: %+v", r)
	}
	for _, k := range []string{"SAI_OBJECT_TYPE_VLAN:" + vlan, "SAI_OBJECT_TYPE_MY_MAC:" + mm[0], "SAI_OBJECT_TYPE_ROUTER_INTERFACE:" + rif} {
		if n := e.asic.Exists(context.Background(), asicStatePrefix+k).Val(); n != 0 {
			t.Fatalf("%s still in ASIC_DB", k)
		}
	}
	if ridOf(vlan) != "" || ridOf(mm[0]) != "" || ridOf(mm[2]) == "" {
		t.Fatal("maps not updated on remove")
	}
	// Bulk set: not settable (create-only) → precise status per object.
	r = e.call(Item{Key: "SAI_OBJECT_TYPE_PORT:2", Op: opBulkSet, Fields: fv(ports[2], "SAI_PORT_ATTR_MTU=1500", ports[3], "SAI_PORT_ATTR_HW_LANE_LIST=1:7")})
	if r[0].Key != "SAI_STATUS_FAILURE" || r[0].Fields[0].Field != "SAI_STATUS_SUCCESS" || r[0].Fields[1].Field != "SAI_STATUS_INVALID_ATTRIBUTE" {
		t.Fatalf("bulkset: %+v", r[0])
	}
	st := e.state.HGetAll(context.Background(), StatsKey).Val()
	if st["creates"] == "" || st["errors"] == "0" {
		t.Fatalf("stats %v", st)
	}

	// Notifications: port oper status in the sairedis shape.
	sub := e.asic.Subscribe(context.Background(), NotificationsCh)
	defer sub.Close()
	if _, err := sub.Receive(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	portRID := f.ports[0].GetOid()
	f.mu.Unlock()
	f.events <- &halv1.Event{Event: &halv1.Event_PortOperStatus{PortOperStatus: &halv1.PortOperStatusEvent{PortId: portRID, Up: true}}}
	msg, err := sub.ReceiveMessage(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var arr []string
	if err := json.Unmarshal([]byte(msg.Payload), &arr); err != nil || len(arr) != 2 || arr[0] != "port_state_change" {
		t.Fatalf("notification %q", msg.Payload)
	}
	want := `[{"port_id":"` + ports[0] + `","port_state":"SAI_PORT_OPER_STATUS_UP"}]`
	if arr[1] != want {
		t.Fatalf("notification data %s, want %s", arr[1], want)
	}
}
