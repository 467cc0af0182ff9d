package cli

import (
	"strings"
	"testing"
)

func TestConfigDBRoundTrip(t *testing.T) {
	in := `{
    "PORT": {"Ethernet0": {"lanes": "0,1", "alias": "a<b>"}},
    "VLAN": {"Vlan10": {"vlanid": "10", "dhcp_servers": ["10.0.0.1", "10.0.0.2"]}},
    "VLAN_INTERFACE": {"Vlan10": {}, "Vlan10|10.0.10.1/24": {}},
    "STATIC_ROUTE": {"default|10.1.0.0/16": {"nexthop": "10.0.10.9"}}
}`
	rows, err := ParseConfigDB([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"PORT|Ethernet0", "STATIC_ROUTE|default|10.1.0.0/16", "VLAN|Vlan10", "VLAN_INTERFACE|Vlan10", "VLAN_INTERFACE|Vlan10|10.0.10.1/24"}
	if len(rows) != len(want) {
		t.Fatalf("%d rows", len(rows))
	}
	for i, r := range rows {
		if r.Table+"|"+r.Key != want[i] {
			t.Fatalf("row %d = %s|%s, want %s", i, r.Table, r.Key, want[i])
		}
	}
	if f := rows[2].Fields; f["dhcp_servers@"] != "10.0.0.1,10.0.0.2" || len(f) != 2 {
		t.Fatalf("list field: %v", f)
	}
	if f := rows[3].Fields; f["NULL"] != "NULL" || len(f) != 1 {
		t.Fatalf("empty row: %v", f)
	}
	out, err := FormatConfigDB(rows)
	if err != nil {
		t.Fatal(err)
	}
	golden := `{
    "PORT": {
        "Ethernet0": {
            "alias": "a<b>",
            "lanes": "0,1"
        }
    },
    "STATIC_ROUTE": {
        "default|10.1.0.0/16": {
            "nexthop": "10.0.10.9"
        }
    },
    "VLAN": {
        "Vlan10": {
            "dhcp_servers": [
                "10.0.0.1",
                "10.0.0.2"
            ],
            "vlanid": "10"
        }
    },
    "VLAN_INTERFACE": {
        "Vlan10": {},
        "Vlan10|10.0.10.1/24": {}
    }
}
`
	if string(out) != golden {
		t.Fatalf("formatted:\n%s\nwant:\n%s", out, golden)
	}
}

func TestParseConfigDBErrors(t *testing.T) {
	for in, want := range map[string]string{
		`[]`:                                     "want {",
		`{"PORT": {"Ethernet0": {"mtu": 9100}}}`: `PORT|Ethernet0 field "mtu"`,
		`{"PORT": {"Ethernet0": {"x": true}}}`:   `field "x"`,
		`{"A|B": {"k": {}}}`:                     `table name "A|B"`,
		`{"PORT": {"": {}}}`:                     "empty key",
		`{"PORT": {"Ethernet0": "up"}}`:          "want {",
		`{"PORT": {"Ethernet0": {"lanes": "0"}}`: "want {",
	} {
		_, err := ParseConfigDB([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseConfigDB(%s) = %v, want error with %q", in, err, want)
		}
	}
}
