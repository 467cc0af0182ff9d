package swss_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/vltgw/vltgw/swss"
	"github.com/vltgw/vltgw/swss/redistest"
)

func TestProducerTableFootprintAndFIFO(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	raw := srv.Client(1)
	asic := srv.DB(swss.AsicDB)
	sub := raw.Subscribe(ctx, "ASIC_STATE_CHANNEL@1")
	defer sub.Close()
	sub.Receive(ctx)

	p := swss.NewProducerTable(asic, "ASIC_STATE")
	if err := p.Set(ctx, "SAI_OBJECT_TYPE_VLAN:oid:0x26000000000001", swss.FieldValues{{"SAI_VLAN_ATTR_VLAN_ID", "10"}}, "create"); err != nil {
		t.Fatal(err)
	}
	// Exactly swss-common's layout: LPUSH key, values, op → the list reads
	// (head first) op, values, key.
	got := raw.LRange(ctx, "ASIC_STATE_KEY_VALUE_OP_QUEUE", 0, -1).Val()
	want := []string{"Screate", `["SAI_VLAN_ATTR_VLAN_ID","10"]`, "SAI_OBJECT_TYPE_VLAN:oid:0x26000000000001"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("queue = %q, want %q", got, want)
	}
	if m, err := sub.ReceiveMessage(ctx); err != nil || m.Payload != "G" {
		t.Fatalf("publish %+v %v", m, err)
	}
	if err := p.Del(ctx, "SAI_OBJECT_TYPE_VLAN:oid:0x26000000000001", "remove"); err != nil {
		t.Fatal(err)
	}
	if got := raw.LIndex(ctx, "ASIC_STATE_KEY_VALUE_OP_QUEUE", 0).Val(); got != "Dremove" {
		t.Fatalf("del op = %q", got)
	}
	if got := raw.LIndex(ctx, "ASIC_STATE_KEY_VALUE_OP_QUEUE", 1).Val(); got != "{}" {
		t.Fatalf("del payload = %q", got)
	}

	c, err := swss.NewConsumerTable(ctx, asic, "ASIC_STATE", swss.WithPopBatch(7))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var entries []swss.QueueEntry
	for i := 0; i < 50; i++ {
		entries = append(entries, swss.QueueEntry{Key: fmt.Sprintf("k%d", i), Op: "set", Fields: swss.FieldValues{{"n", fmt.Sprint(i)}}})
	}
	if err := p.Send(ctx, entries); err != nil {
		t.Fatal(err)
	}
	all := popAll(t, ctx, c, 52)
	if all[0].Op != "create" || all[0].Fields[0].Value != "10" || all[1].Op != "remove" || len(all[1].Fields) != 0 {
		t.Fatalf("first entries %+v", all[:2])
	}
	for i, e := range all[2:] {
		if e.Key != fmt.Sprintf("k%d", i) || e.Op != "set" {
			t.Fatalf("entry %d out of order: %+v", i, e)
		}
	}
}

func TestConsumerTableReadsRawSwssCommonEntries(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	raw := srv.Client(1)
	asic := srv.DB(swss.AsicDB)
	c, err := swss.NewConsumerTable(ctx, asic, "GETRESPONSE", swss.WithPollInterval(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// As sairedis' C++ ProducerTable would: EVALSHA of LPUSH key value op.
	raw.LPush(ctx, "GETRESPONSE_KEY_VALUE_OP_QUEUE", "SAI_STATUS_SUCCESS", `["SAI_SWITCH_ATTR_CPU_PORT","oid:0x1000000000001"]`, "Sgetresponse")
	// A JSON array that does not parse, then a good one: the bad one is
	// delivered marked malformed (its reply slot must still be answered),
	// the good one flows.
	raw.LPush(ctx, "GETRESPONSE_KEY_VALUE_OP_QUEUE", "SAI_STATUS_FAILURE", `["unterminated`, "Sgetresponse")
	raw.LPush(ctx, "GETRESPONSE_KEY_VALUE_OP_QUEUE", "SAI_STATUS_TABLE_FULL", `[]`, "Sgetresponse")
	raw.Publish(ctx, "GETRESPONSE_CHANNEL@1", "G")
	got := popAll(t, ctx, c, 3)
	if len(got) != 3 || got[0].Key != "SAI_STATUS_SUCCESS" || got[0].Op != "getresponse" || got[0].Malformed != "" ||
		!reflect.DeepEqual(got[0].Fields, swss.FieldValues{{"SAI_SWITCH_ATTR_CPU_PORT", "oid:0x1000000000001"}}) ||
		got[1].Key != "SAI_STATUS_FAILURE" || got[1].Malformed == "" || len(got[1].Fields) != 0 ||
		got[2].Key != "SAI_STATUS_TABLE_FULL" || got[2].Malformed != "" {
		t.Fatalf("got %+v", got)
	}
}

func TestNotifications(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	asic := srv.DB(swss.AsicDB)
	c, err := swss.NewNotificationConsumer(ctx, asic, "NOTIFICATIONS")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	raw := srv.Client(1)
	raw.Publish(ctx, "NOTIFICATIONS", "not json") // skipped
	p := swss.NewNotificationProducer(asic, "NOTIFICATIONS")
	data := `[{"port_id":"oid:0x1000000000002","port_state":"SAI_PORT_OPER_STATUS_UP"}]`
	if err := p.Send(ctx, swss.Notification{Op: "port_state_change", Data: data}); err != nil {
		t.Fatal(err)
	}
	n, err := c.Pop(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n.Op != "port_state_change" || n.Data != data {
		t.Fatalf("got %+v", n)
	}
	var ports []map[string]string
	if err := json.Unmarshal([]byte(n.Data), &ports); err != nil || ports[0]["port_state"] != "SAI_PORT_OPER_STATUS_UP" {
		t.Fatalf("data %v %v", ports, err)
	}
}

// The JSON array is written as swss-common's nlohmann::json dump() writes
// it, so queue entries compare byte for byte with a C++ producer's.
func TestFieldArrayBytesMatchSwssCommon(t *testing.T) {
	f := swss.FieldValues{
		{"SAI_HOSTIF_ATTR_NAME", `a"b\c`},
		{"ctl", "\n\t\x01\x1f\b\f\r"},
		{"html", "<&>/"},
		{"utf8", "é\u2028"},
	}
	got, err := swss.EncodeFieldArray(f)
	if err != nil {
		t.Fatal(err)
	}
	want := `["SAI_HOSTIF_ATTR_NAME","a\"b\\c","ctl","\n\t\u0001\u001f\b\f\r","html","<&>/","utf8","é` + "\u2028" + `"]`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	back, err := swss.DecodeFieldArray(got)
	if err != nil || !reflect.DeepEqual(back, f) {
		t.Fatalf("round trip %q %v", back, err)
	}
	if got, _ := swss.EncodeFieldArray(nil); got != "[]" {
		t.Fatalf("empty = %s", got)
	}
	for _, bad := range []string{`["unterminated`, `["odd"]`, `[1,2]`, `{"a":"b"}`} {
		if _, err := swss.DecodeFieldArray(bad); err == nil {
			t.Errorf("DecodeFieldArray(%s) accepted", bad)
		}
	}
}

func TestQueueOpWithoutPrefixIsMalformed(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	raw := srv.Client(1)
	c, err := swss.NewConsumerTable(ctx, srv.DB(swss.AsicDB), "ASIC_STATE", swss.WithPollInterval(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	raw.LPush(ctx, "ASIC_STATE_KEY_VALUE_OP_QUEUE", "SAI_OBJECT_TYPE_VLAN:oid:0x1", `[]`, "create")
	raw.LPush(ctx, "ASIC_STATE_KEY_VALUE_OP_QUEUE", "SAI_OBJECT_TYPE_VLAN:oid:0x2", `["SAI_VLAN_ATTR_VLAN_ID","20"]`, "Screate")
	got := popAll(t, ctx, c, 2)
	if got[0].Malformed == "" || got[0].Key != "SAI_OBJECT_TYPE_VLAN:oid:0x1" || got[1].Malformed != "" || got[1].Op != "create" {
		t.Fatalf("got %+v", got)
	}
}

func TestNotificationPayloadBytes(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	raw := srv.Client(1)
	sub := raw.Subscribe(ctx, "NOTIFICATIONS")
	defer sub.Close()
	if _, err := sub.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	p := swss.NewNotificationProducer(srv.DB(swss.AsicDB), "NOTIFICATIONS")
	if err := p.Send(ctx, swss.Notification{Op: "fdb_event", Data: `[{"fdb_entry":"{\"mac\":\"00:01:E8:00:00:01\"}"}]`, Fields: swss.FieldValues{{"f", "v"}}}); err != nil {
		t.Fatal(err)
	}
	m, err := sub.ReceiveMessage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := `["fdb_event","[{\"fdb_entry\":\"{\\\"mac\\\":\\\"00:01:E8:00:00:01\\\"}\"}]","f","v"]`
	if m.Payload != want {
		t.Fatalf("payload %s\nwant    %s", m.Payload, want)
	}
	n, err := swss.ParseNotification(m.Payload)
	if err != nil || n.Op != "fdb_event" || n.Fields[0] != (swss.FieldValue{"f", "v"}) {
		t.Fatalf("parse %+v %v", n, err)
	}
}
