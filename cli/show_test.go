package cli

import (
	"bytes"
	"encoding/json"
	"testing"
)

type fv = map[string]string

func TestInterfacesStatusText(t *testing.T) {
	ports := InterfacesStatus(
		map[string]fv{
			"Ethernet12":     {"lanes": "12,13,14,15", "speed": "25000", "mtu": "9100", "admin_status": "up", "alias": "etp4"},
			"Ethernet4":      {"lanes": "4,5,6,7", "speed": "100000", "mtu": "1500", "admin_status": "down", "oper_status": "down"},
			"PortConfigDone": {"count": "2"},
		},
		map[string]fv{"Ethernet12": {"oper_status": "up"}},
	)
	var b bytes.Buffer
	if err := interfacesTable(ports).writeSimple(&b); err != nil {
		t.Fatal(err)
	}
	want := "" +
		" Interface        Lanes  Speed   MTU  Alias  Oper  Admin\n" +
		"----------  -----------  -----  ----  -----  ----  -----\n" +
		" Ethernet4      4,5,6,7   100G  1500    N/A  down   down\n" +
		"Ethernet12  12,13,14,15    25G  9100   etp4    up     up\n"
	if b.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestVlanBrief(t *testing.T) {
	vlans := VlansBrief(VlanRows{
		Vlan: map[string]fv{"Vlan20": {"vlanid": "20"}, "Vlan10": {"vlanid": "10"}, "Vlan30": {"vlanid": "30"}},
		Member: map[string]fv{
			"Vlan10|Ethernet4": {"tagging_mode": "untagged"}, "Vlan10|Ethernet12": {"tagging_mode": "tagged"},
			"Vlan20|PortChannel1": {"tagging_mode": "tagged"}, "Vlan99|Ethernet0": {"tagging_mode": "tagged"},
		},
		Interface: map[string]fv{
			"Vlan10": {"NULL": "NULL"}, "Vlan10|fc00:10::1/64": {"NULL": "NULL"}, "Vlan10|10.0.10.1/24": {"NULL": "NULL"},
		},
		Errors: map[string]string{"VLAN_MEMBER|Vlan10|Ethernet12": "key: Ethernet12 is already a PortChannel member"},
	})
	var b bytes.Buffer
	if err := vlanTable(vlans).writeGrid(&b); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"+-----------+---------------+--------------+----------------+\n" +
		"|   VLAN ID | IP Address    | Ports        | Port Tagging   |\n" +
		"+===========+===============+==============+================+\n" +
		"|        10 | 10.0.10.1/24  | Ethernet4    | untagged       |\n" +
		"|           | fc00:10::1/64 | Ethernet12   | tagged         |\n" +
		"+-----------+---------------+--------------+----------------+\n" +
		"|        20 |               | PortChannel1 | tagged         |\n" +
		"+-----------+---------------+--------------+----------------+\n" +
		"|        30 |               |              |                |\n" +
		"+-----------+---------------+--------------+----------------+\n"
	if b.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	if err := writeJSON(&b, vlans[:1]); err != nil {
		t.Fatal(err)
	}
	var back []VlanBrief
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back[0].Members[1].Error == "" || back[0].Addresses[0].Address != "10.0.10.1/24" || back[0].VlanID != 10 {
		t.Fatalf("json: %s", b.String())
	}
}

// asicFixture is the ASIC_DB orchagent and syncd write for VLAN 10 and 20
// with addresses, a static route via 10.0.20.2, an ECMP route and a
// blackhole.
func asicFixture() map[string]fv {
	return map[string]fv{
		"ASIC_STATE:SAI_OBJECT_TYPE_SWITCH:oid:0x21000000000000":     {"SAI_SWITCH_ATTR_SRC_MAC_ADDRESS": "52:54:00:00:01:01"},
		"ASIC_STATE:SAI_OBJECT_TYPE_VLAN:oid:0x26000000000010":       {"SAI_VLAN_ATTR_VLAN_ID": "10"},
		"ASIC_STATE:SAI_OBJECT_TYPE_VLAN:oid:0x26000000000020":       {"SAI_VLAN_ATTR_VLAN_ID": "20"},
		"ASIC_STATE:SAI_OBJECT_TYPE_ROUTER_INTERFACE:oid:0x6000a":    {"SAI_ROUTER_INTERFACE_ATTR_TYPE": "SAI_ROUTER_INTERFACE_TYPE_VLAN", "SAI_ROUTER_INTERFACE_ATTR_VLAN_ID": "oid:0x26000000000010"},
		"ASIC_STATE:SAI_OBJECT_TYPE_ROUTER_INTERFACE:oid:0x6000b":    {"SAI_ROUTER_INTERFACE_ATTR_TYPE": "SAI_ROUTER_INTERFACE_TYPE_VLAN", "SAI_ROUTER_INTERFACE_ATTR_VLAN_ID": "oid:0x26000000000020"},
		"ASIC_STATE:SAI_OBJECT_TYPE_ROUTER_INTERFACE:oid:0x6000c":    {"SAI_ROUTER_INTERFACE_ATTR_TYPE": "SAI_ROUTER_INTERFACE_TYPE_PORT", "SAI_ROUTER_INTERFACE_ATTR_PORT_ID": "oid:0x1000000000004"},
		"ASIC_STATE:SAI_OBJECT_TYPE_NEXT_HOP:oid:0x4000001":          {"SAI_NEXT_HOP_ATTR_IP": "10.0.20.2", "SAI_NEXT_HOP_ATTR_ROUTER_INTERFACE_ID": "oid:0x6000b", "SAI_NEXT_HOP_ATTR_TYPE": "SAI_NEXT_HOP_TYPE_IP"},
		"ASIC_STATE:SAI_OBJECT_TYPE_NEXT_HOP:oid:0x4000002":          {"SAI_NEXT_HOP_ATTR_IP": "10.0.10.9", "SAI_NEXT_HOP_ATTR_ROUTER_INTERFACE_ID": "oid:0x6000a"},
		"ASIC_STATE:SAI_OBJECT_TYPE_NEXT_HOP:oid:0x4000003":          {"SAI_NEXT_HOP_ATTR_IP": "10.0.4.2", "SAI_NEXT_HOP_ATTR_ROUTER_INTERFACE_ID": "oid:0x6000c"},
		"ASIC_STATE:SAI_OBJECT_TYPE_NEXT_HOP_GROUP:oid:0x5000001":    {"SAI_NEXT_HOP_GROUP_ATTR_TYPE": "SAI_NEXT_HOP_GROUP_TYPE_DYNAMIC_UNORDERED_ECMP"},
		"ASIC_STATE:SAI_OBJECT_TYPE_NEXT_HOP_GROUP_MEMBER:oid:0x2d1": {"SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_GROUP_ID": "oid:0x5000001", "SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_ID": "oid:0x4000001"},
		"ASIC_STATE:SAI_OBJECT_TYPE_NEXT_HOP_GROUP_MEMBER:oid:0x2d2": {"SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_GROUP_ID": "oid:0x5000001", "SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_ID": "oid:0x4000002"},
		routeKey("10.0.10.0/24"):                                     {"SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID": "oid:0x6000a"},
		routeKey("10.0.10.1/32"):                                     {"SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID": "oid:0x1000000000000", "SAI_ROUTE_ENTRY_ATTR_PACKET_ACTION": "SAI_PACKET_ACTION_FORWARD"},
		routeKey("192.168.100.0/24"):                                 {"SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID": "oid:0x4000001"},
		routeKey("0.0.0.0/0"):                                        {"SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID": "oid:0x5000001"},
		routeKey("10.99.0.0/16"):                                     {"SAI_ROUTE_ENTRY_ATTR_PACKET_ACTION": "SAI_PACKET_ACTION_DROP"},
		routeKey("fc00:10::/64"):                                     {"SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID": "oid:0x6000a"},
		routeKey("10.0.4.0/31"):                                      {"SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID": "oid:0x6000c"},
		routeKey("172.16.0.0/12"):                                    {"SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID": "oid:0x4000003"},
	}
}

func routeKey(dest string) string {
	return `ASIC_STATE:SAI_OBJECT_TYPE_ROUTE_ENTRY:{"dest":"` + dest + `","switch_id":"oid:0x21000000000000","vr":"oid:0x3000000000001"}`
}

func TestRoutes(t *testing.T) {
	routes := Routes(RouteInputs{
		ASIC: asicFixture(),
		App: map[string]fv{
			"192.168.100.0/24": {"nexthop": "10.0.20.2", "ifname": "Vlan20"},
			"0.0.0.0/0":        {"nexthop": "10.0.10.9,10.0.20.2", "ifname": "Vlan10,Vlan20"},
			"10.99.0.0/16":     {"blackhole": "true"},
			"10.50.0.0/16":     {"nexthop": "10.0.20.7", "ifname": "Vlan20"},
		},
		Names: map[string]string{"oid:0x1000000000004": "Ethernet4"},
	})
	var b bytes.Buffer
	if err := routeTable(routes).writeSimple(&b); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"          Prefix   Next Hop  Interface     Source     Status\n" +
		"----------------  ---------  ---------  ---------  ---------\n" +
		"       0.0.0.0/0  10.0.10.9     Vlan10     static  installed\n" +
		"                  10.0.20.2     Vlan20                      \n" +
		"     10.0.4.0/31     direct  Ethernet4  connected  installed\n" +
		"    10.0.10.0/24     direct     Vlan10  connected  installed\n" +
		"    10.0.10.1/32      local        CPU      local  installed\n" +
		"    10.50.0.0/16  10.0.20.7     Vlan20     static    pending\n" +
		"    10.99.0.0/16  blackhole                static  installed\n" +
		"   172.16.0.0/12   10.0.4.2  Ethernet4       asic  installed\n" +
		"192.168.100.0/24  10.0.20.2     Vlan20     static  installed\n" +
		"    fc00:10::/64     direct     Vlan10  connected  installed\n"
	if b.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	if err := writeJSON(&b, routes[:1]); err != nil {
		t.Fatal(err)
	}
	wantJSON := `[
    {
        "prefix": "0.0.0.0/0",
        "nexthops": [
            {
                "ip": "10.0.10.9",
                "interface": "Vlan10"
            },
            {
                "ip": "10.0.20.2",
                "interface": "Vlan20"
            }
        ],
        "action": "forward",
        "source": "static",
        "status": "installed"
    }
]
`
	if b.String() != wantJSON {
		t.Fatalf("json:\n%s", b.String())
	}
}
