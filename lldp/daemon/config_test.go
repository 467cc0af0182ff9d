package daemon

import (
	"reflect"
	"testing"
	"time"
)

func TestDomainConfigs(t *testing.T) {
	app := Tables{}
	app.set("VLT_PROXY_GW_TABLE", "2", map[string]string{"mode": "lldp", "peer_domain_link": "PortChannel100", "vlt_peer_mac_transmit": "true"})
	app.set("VLT_PROXY_GW_TABLE", "3", map[string]string{"mode": "static"})
	app.set("VLT_DOMAIN_TABLE", "2", map[string]string{"peer_mac": "00:01:e8:00:01:0d"})
	app.set("LAG_MEMBER_TABLE", "PortChannel100:Ethernet12", map[string]string{"status": "enabled"})
	app.set("LAG_MEMBER_TABLE", "PortChannel100:Ethernet8", map[string]string{"status": "enabled"})
	app.set("LAG_MEMBER_TABLE", "PortChannel1:Ethernet4", map[string]string{"status": "enabled"})
	app.set("VLT_PROXY_GW_PORT_TABLE", "Ethernet12", map[string]string{"lldp_tlv": "disabled"})
	app.set("INTF_TABLE", "Vlan20", map[string]string{"mac_addr": "00:01:e8:00:01:20"})
	app.set("LLDP_GLOBAL_TABLE", "global", map[string]string{"hello_time": "10", "multiplier": "3"})
	cfg := Tables{}
	cfg.set("DEVICE_METADATA", "localhost", map[string]string{"mac": "00:01:e8:00:01:0c", "hostname": "C1"})

	got := DomainConfigs(app, cfg)
	if len(got) != 1 {
		t.Fatalf("configs for %d domains, want only the lldp one", len(got))
	}
	c := got[2]
	if !c.Enabled || c.SystemName != "C1" || c.SystemMAC.String() != "00:01:e8:00:01:0c" || c.PeerMAC.String() != "00:01:e8:00:01:0d" ||
		!c.TransmitPeerMAC || c.HelloTime != 10*time.Second || c.Multiplier != 3 {
		t.Fatalf("config %+v", c)
	}
	if !reflect.DeepEqual(c.Members, []string{"Ethernet12", "Ethernet8"}) || !reflect.DeepEqual(c.TLVDisabled, []string{"Ethernet12"}) {
		t.Fatalf("members %v disabled %v", c.Members, c.TLVDisabled)
	}
	if len(c.RouterMACs) != 1 || c.RouterMACs[0].String() != "00:01:e8:00:01:20" {
		t.Fatalf("router MACs %v", c.RouterMACs)
	}
	// No system MAC: the agent is configured but disabled.
	if got := DomainConfigs(app, Tables{}); got[2].Enabled {
		t.Fatal("enabled without a system MAC")
	}
}
