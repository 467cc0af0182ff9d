package cfgmgr

import "testing"

func TestParseIfPrefix(t *testing.T) {
	good := map[string]string{
		"10.0.0.1/24": "10.0.0.1/24", "10.0.0.0/31": "10.0.0.0/31", "10.0.0.7/32": "10.0.0.7/32",
		"FC00::1/64": "fc00::1/64", "fe80::1/64": "fe80::1/64", "fc00::/64": "fc00::/64",
	}
	for in, want := range good {
		p, err := ParseIfPrefix(in)
		if err != nil || p.String() != want {
			t.Errorf("ParseIfPrefix(%q) = %v, %v; want %s", in, p, err, want)
		}
	}
	for _, in := range []string{"", "10.0.0.1", "10.0.0.1/33", "10.0.0.0/24", "10.0.0.255/24", "0.0.0.0/8",
		"127.0.0.1/8", "224.0.0.1/24", "255.255.255.255/32", "240.0.0.1/8", "::1/128", "::/0", "::ffff:10.0.0.1/120",
		"fe80::1%eth0/64", "10.0.0.1/0", "10.0.0.1/24x"} {
		if p, err := ParseIfPrefix(in); err == nil {
			t.Errorf("ParseIfPrefix(%q) = %v, want error", in, p)
		}
	}
}

func TestParseRoutePrefix(t *testing.T) {
	for _, in := range []string{"0.0.0.0/0", "10.0.0.0/8", "::/0", "fc00::/7", "10.1.1.1/32"} {
		if _, err := ParseRoutePrefix(in); err != nil {
			t.Errorf("ParseRoutePrefix(%q): %v", in, err)
		}
	}
	for _, in := range []string{"10.0.0.1/8", "10.0.0.0", "fc00::1/7", "x/8"} {
		if _, err := ParseRoutePrefix(in); err == nil {
			t.Errorf("ParseRoutePrefix(%q): want error", in)
		}
	}
}

func TestParseMAC(t *testing.T) {
	if m, err := ParseMAC("52:54:00:AB:cd:01"); err != nil || m != "52:54:00:ab:cd:01" {
		t.Fatalf("ParseMAC = %q, %v", m, err)
	}
	for _, in := range []string{"", "52:54:00:ab:cd", "52-54-00-ab-cd-01", "5254.00ab.cd01", "01:00:5e:00:00:01",
		"ff:ff:ff:ff:ff:ff", "00:00:00:00:00:00", "52:54:00:ab:cd:0g"} {
		if _, err := ParseMAC(in); err == nil {
			t.Errorf("ParseMAC(%q): want error", in)
		}
	}
}

func TestNames(t *testing.T) {
	for name, want := range map[string]bool{"Ethernet0": true, "Ethernet128": true, "Ethernet": false, "Ethernet01": false, "ethernet0": false, "Ethernet-1": false} {
		if IsEthernet(name) != want {
			t.Errorf("IsEthernet(%q) != %v", name, want)
		}
	}
	for name, want := range map[string]bool{"PortChannel1": true, "PortChannel9999": true, "PortChannel10000": false, "PortChannel": false} {
		if IsPortChannel(name) != want {
			t.Errorf("IsPortChannel(%q) != %v", name, want)
		}
	}
	for name, want := range map[string]int{"Vlan1": 1, "Vlan4094": 4094} {
		if n, err := ParseVlanName(name); err != nil || n != want {
			t.Errorf("ParseVlanName(%q) = %d, %v", name, n, err)
		}
	}
	for _, name := range []string{"Vlan0", "Vlan4095", "Vlan", "Vlan01", "vlan10", "Vlan1x", "Vlan99999999999"} {
		if _, err := ParseVlanName(name); err == nil {
			t.Errorf("ParseVlanName(%q): want error", name)
		}
	}
}
