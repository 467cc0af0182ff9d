package cfgmgr

import (
	"context"
	"strings"
	"testing"
)

// TestVLTTablesFlow: the VLT tables written with raw HSET reach APP_DB
// through package vlt, its rejections reach STATE_DB, and a delete removes
// the APP_DB row.
func TestVLTTablesFlow(t *testing.T) {
	d := newDVS(t)
	d.start()
	d.hset("DEVICE_METADATA|localhost", "mac", "52:54:00:00:01:01", "hostname", "sw1")
	d.hset("VLT_DOMAIN|1", "peer_link", "PortChannel1", "peer_routing", "true")
	d.hset("VLT_INTERFACE|1|PortChannel2")
	d.hset("VLT_PROXY_GATEWAY|1", "mode", "static")
	d.hset("VLT_PROXY_GATEWAY_REMOTE_MAC|1|00:AA:BB:CC:DD:01", "exclude_vlans", "10,20-30")
	d.hset("VLT_PROXY_GATEWAY_REMOTE_MAC|1|52:54:00:00:01:01") // our own MAC
	d.hset("VLT_PROXY_GATEWAY_PEER_LINK|1|PortChannel2")       // lldp-mode row in static mode
	d.settle()
	_, dom := d.staged("VLT_DOMAIN_TABLE")
	if f := dom["1"]; f["peer_link"] != "PortChannel1" || f["peer_routing"] != "true" {
		t.Fatalf("VLT_DOMAIN_TABLE:1 staged as %v", f)
	}
	if keys, _ := d.staged("VLT_INTERFACE_TABLE"); len(keys) != 1 || keys[0] != "1:PortChannel2" {
		t.Fatalf("VLT_INTERFACE_TABLE keys %v", keys)
	}
	if _, rows := d.staged("VLT_PROXY_GW_REMOTE_MAC_TABLE"); len(rows) != 1 || rows["1:00:aa:bb:cc:dd:01"]["exclude_vlans"] != "10,20-30" {
		t.Fatalf("VLT_PROXY_GW_REMOTE_MAC_TABLE %v", rows)
	}
	if e := d.stateError("VLT_PROXY_GATEWAY_REMOTE_MAC", "1|52:54:00:00:01:01"); e["field"] != "mac" || !strings.Contains(e["reason"], "own MAC") {
		t.Fatalf("own-MAC error %v", e)
	}
	if e := d.stateError("VLT_PROXY_GATEWAY_PEER_LINK", "1|PortChannel2"); !strings.Contains(e["reason"], "static mode") {
		t.Fatalf("peer-link error %v", e)
	}
	for _, table := range []string{"VLT_DOMAIN_TABLE", "VLT_INTERFACE_TABLE", "VLT_PROXY_GW_TABLE", "VLT_PROXY_GW_REMOTE_MAC_TABLE"} {
		d.pop(table)
	}
	ctx := context.Background()
	d.cfg.Del(ctx, "VLT_PROXY_GATEWAY_REMOTE_MAC|1|00:AA:BB:CC:DD:01", "VLT_PROXY_GATEWAY_PEER_LINK|1|PortChannel2")
	d.settle()
	keys, _ := d.staged("VLT_PROXY_GW_REMOTE_MAC_TABLE")
	if len(keys) != 1 || !d.app.SIsMember(ctx, "VLT_PROXY_GW_REMOTE_MAC_TABLE_DEL_SET", "1:00:aa:bb:cc:dd:01").Val() {
		t.Fatalf("remote MAC delete footprint %v", keys)
	}
	if k, _ := d.staged("VLT_DOMAIN_TABLE"); len(k) != 0 {
		t.Fatalf("unrelated VLT row rewritten: %v", k)
	}
	if e := d.stateError("VLT_PROXY_GATEWAY_PEER_LINK", "1|PortChannel2"); len(e) != 0 {
		t.Fatalf("error of a deleted row left: %v", e)
	}
}

// TestVLTModeSwitchRefusedUntilStaticRowsGo: switching a static domain to
// lldp with raw HSET while its remote-MAC rows remain is refused (STATE_DB
// names VLT_PROXY_GATEWAY|1 field mode) and APP_DB keeps static mode and the
// MAC; once the rows are deleted the switch applies.
func TestVLTModeSwitchRefusedUntilStaticRowsGo(t *testing.T) {
	d := newDVS(t)
	d.start()
	d.hset("DEVICE_METADATA|localhost", "mac", "52:54:00:00:01:01", "hostname", "sw1")
	d.hset("VLT_DOMAIN|1", "peer_link", "PortChannel1", "peer_routing", "true")
	d.hset("VLT_INTERFACE|1|PortChannel2")
	d.hset("VLT_PROXY_GATEWAY|1", "mode", "static")
	d.hset("VLT_PROXY_GATEWAY_REMOTE_MAC|1|00:aa:bb:cc:dd:01", "exclude_vlans", "30")
	d.settle()
	if _, rows := d.staged("VLT_PROXY_GW_TABLE"); rows["1"]["mode"] != "static" {
		t.Fatalf("VLT_PROXY_GW_TABLE:1 %v", rows["1"])
	}
	for _, table := range []string{"VLT_DOMAIN_TABLE", "VLT_INTERFACE_TABLE", "VLT_PROXY_GW_TABLE", "VLT_PROXY_GW_REMOTE_MAC_TABLE"} {
		d.pop(table)
	}

	d.hset("VLT_PROXY_GATEWAY|1", "mode", "lldp")
	d.hset("VLT_PROXY_GATEWAY_PEER_LINK|1|PortChannel2", "exclude_vlans", "30")
	d.settle()
	if e := d.stateError("VLT_PROXY_GATEWAY", "1"); e["field"] != "mode" || !strings.Contains(e["reason"], "cannot switch domain 1 from static to lldp mode") {
		t.Fatalf("mode switch error %v", e)
	}
	if keys, _ := d.staged("VLT_PROXY_GW_TABLE"); len(keys) != 0 {
		t.Fatalf("refused mode switch reached APP_DB: %v", keys)
	}
	if keys, _ := d.staged("VLT_PROXY_GW_REMOTE_MAC_TABLE"); len(keys) != 0 {
		t.Fatalf("static MAC touched by the refused switch: %v", keys)
	}

	d.cfg.Del(context.Background(), "VLT_PROXY_GATEWAY_REMOTE_MAC|1|00:aa:bb:cc:dd:01")
	d.settle()
	if _, rows := d.staged("VLT_PROXY_GW_TABLE"); rows["1"]["mode"] != "lldp" || rows["1"]["peer_domain_link"] != "PortChannel2" {
		t.Fatalf("lldp not applied after the static rows went: %v", rows["1"])
	}
	if e := d.stateError("VLT_PROXY_GATEWAY", "1"); len(e) != 0 {
		t.Fatalf("mode error left after it applied: %v", e)
	}
}
